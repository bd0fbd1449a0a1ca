package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import io.waferflow.model.Severity;
import org.junit.jupiter.api.Test;

class StdfConfigTest {

    @Test
    void shippedMappingReadsTheSchemasFourParametersByTestNameInTheSchemasUnits() {
        StdfConfig c = TestConfigs.features().stdf();
        assertThat(c.parameters())
                .containsExactly(
                        java.util.Map.entry("vdd", new TestMapping(null, "VDD", "V", null)),
                        java.util.Map.entry("idd", new TestMapping(null, "IDD", "mA", null)),
                        java.util.Map.entry("frequency", new TestMapping(null, "FMAX", "MHz", null)),
                        java.util.Map.entry("temperature", new TestMapping(null, "TEMPERATURE", "C", null)));
        assertThat(c.keepAllTests()).isFalse();
        assertThat(c.testerId()).isEqualTo(StdfConfig.NODE_NAME);
        assertThat(c.blockOn()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void aJobFileWithoutTheSectionMapsNothingAndBlocksOnCritical() throws Exception {
        String yaml = java.nio.file.Files.readString(TestConfigs.FEATURES_YAML);
        String withoutStdf = yaml.substring(0, yaml.indexOf("\n# STDF V4 tester files"));
        StdfConfig c = FeaturesJobConfig.from(RawConfig.parse(withoutStdf)).stdf();
        assertThat(c.parameters()).isEmpty();
        assertThat(c.testerId()).isEqualTo(StdfConfig.NODE_NAME);
        assertThat(c.blockOn()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void blockOnNoneAndHighAndNumbersAndPins() {
        StdfConfig c = TestConfigs.features(
                        "stdf.block_on=none",
                        "stdf.parameters.vdd.test_name=",
                        "stdf.parameters.vdd.test_number=1000",
                        "stdf.parameters.idd.pin=2",
                        "stdf.parameters.idd.unit=")
                .stdf();
        assertThat(c.blockOn()).isNull();
        assertThat(c.parameters().get("vdd")).isEqualTo(new TestMapping(1000L, null, "V", null));
        // an empty unit takes the schema field's
        assertThat(c.parameters().get("idd")).isEqualTo(new TestMapping(null, "IDD", "mA", 2));
        assertThat(TestConfigs.features("stdf.block_on=high").stdf().blockOn()).isEqualTo(Severity.HIGH);
    }

    @Test
    void aMappedKeyThatIsNoSchemaParameterIsRefusedByName() {
        assertThatThrownBy(() -> TestConfigs.features("stdf.parameters.vpp.test_name=VPP"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.parameters.vpp'")
                .hasMessageContaining("vdd, idd, frequency, temperature");
        assertThatThrownBy(() -> TestConfigs.features("stdf.parameters.die_x.test_name=X"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.parameters.die_x'");
    }

    @Test
    void exactlyOneOfTestNumberAndTestName() {
        assertThatThrownBy(() -> TestConfigs.features("stdf.parameters.vdd.test_number=7"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.parameters.vdd'")
                .hasMessageContaining("both");
        assertThatThrownBy(() -> TestConfigs.features("stdf.parameters.vdd.test_name="))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.parameters.vdd'")
                .hasMessageContaining("names no test");
    }

    @Test
    void unknownBlockOnAndTesterIdAreRefused() {
        assertThatThrownBy(() -> TestConfigs.features("stdf.block_on=medium"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.block_on'");
        assertThatThrownBy(() -> TestConfigs.features("stdf.tester_id=hostname"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'stdf.tester_id'");
    }
}
