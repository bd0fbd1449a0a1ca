package io.waferflow.config;

import io.waferflow.TestConfigs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeaturesJobConfigTest {

    @Test
    void shippedConfigurationLoadsWithTheSpecDefaults() {
        FeaturesJobConfig c = TestConfigs.features();
        assertThat(c.featureGroup()).isEqualTo("wafer_aggregates");
        assertThat(c.featureVersion()).isEqualTo("v1");
        assertThat(c.schema().parameterNames()).containsExactly("vdd", "idd", "frequency", "temperature");
        assertThat(c.schema().field("vdd").min()).isEqualTo(1.0);
        assertThat(c.schema().field("vdd").max()).isEqualTo(1.4);
        assertThat(c.schema().field("temperature").nullable()).isTrue();
        assertThat(c.window().type()).isEqualTo(WindowSpec.Type.TUMBLING);
        assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.perRecordWatermarks()).isFalse();
    }

    @Test
    void anyKeyCanBeOverriddenFromTheCommandLine() {
        FeaturesJobConfig c = TestConfigs.features("feature_group.window.size=1 min", "redis.port=7000",
                "schema.fields.vpp.type=float", "schema.fields.vpp.parameter=true");
        assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.redisPort()).isEqualTo(7000);
        assertThat(c.schema().parameterNames()).containsExactly("vdd", "idd", "frequency", "temperature", "vpp");
    }

    @Test
    void missingKeyIsNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("kafka.input_topic="))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.input_topic'")
                .hasMessageContaining("is missing")
                .hasMessageContaining("--set kafka.input_topic=");
    }

    @Test
    void badValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("feature_group.window.size=five minutes"))
                .hasMessageContaining("'feature_group.window.size'").hasMessageContaining("not a duration");
        assertThatThrownBy(() -> TestConfigs.features("redis.port=99999"))
                .hasMessageContaining("'redis.port'").hasMessageContaining("1..65535");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.window.type=hopping"))
                .hasMessageContaining("use tumbling, sliding or session");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.window.type=sliding",
                "feature_group.window.slide=2 min"))
                .hasMessageContaining("does not divide");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.wafer_quiet_timeout=10 s"))
                .hasMessageContaining("'feature_group.wafer_quiet_timeout'");
        assertThatThrownBy(() -> TestConfigs.features("quality.wafer.reject_flagged_rate=10"))
                .hasMessageContaining("'quality.wafer.reject_flagged_rate'").hasMessageContaining("0.05 for 5 %");
        assertThatThrownBy(() -> TestConfigs.features("quality.event_time.earliest=yesterday"))
                .hasMessageContaining("'quality.event_time.earliest'");
        assertThatThrownBy(() -> TestConfigs.features("feature_group.version=v1/../x"))
                .hasMessageContaining("unsafe");
    }

    @Test
    void coreFieldsMustKeepTheirContract() {
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.wafer_id.type=int"))
                .hasMessageContaining("'schema.fields.wafer_id.type'").hasMessageContaining("set it to string");
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.die_x.required=false"))
                .hasMessageContaining("must be required");
        assertThatThrownBy(() -> TestConfigs.features("schema.fields.vdd.min=2", "schema.fields.vdd.max=1"))
                .hasMessageContaining("swap min and max");
    }

    @Test
    void missingFileAndBrokenYamlFailFast() {
        assertThatThrownBy(() -> FeaturesJobConfig.load(Path.of("jobs/nope.yaml"), List.of()))
                .hasMessageContaining("'--config'").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> FeaturesJobConfig.from(RawConfig.parse("kafka: [unclosed")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> TestConfigs.raw("no-equals-sign"))
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> TestConfigs.raw("redis.tll=1 h"))
                .as("a typo must not be ignored").hasMessageContaining("'redis.tll'").hasMessageContaining("not a key");
    }
}
