package io.waferflow.config.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What the definition fingerprint covers: what changes stored values, not documentation or derived features. */
class DefinitionFingerprintTest {

    private static DefinitionFingerprint of(String... overrides) {
        return DefinitionFingerprint.of(TestConfigs.features(overrides));
    }

    @Test
    void isTheSha256OfTheCanonicalJson() throws Exception {
        DefinitionFingerprint d = of();
        String sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(d.json().getBytes(StandardCharsets.UTF_8)));
        assertThat(d.fingerprint()).isEqualTo("sha256:" + sha);
        assertThat(d.json())
                .startsWith("{\"entity\":\"wafer_id\",\"features\":{\"avg_test_time_ms\":")
                .contains("\"window\":{\"allowed_lateness\":\"1 min\",\"size\":\"5 min\",\"type\":\"tumbling\"}")
                .contains("\"vdd\":{\"max\":1.4,\"min\":1.0,\"nullable\":false,\"parameter\":true,\"required\":true,"
                        + "\"type\":\"float\"}");
        assertThat(of().fingerprint()).as("stable").isEqualTo(d.fingerprint());
        assertThat(of("feature_group.window.size=300 s").fingerprint())
                .as("the same window, spelled otherwise")
                .isEqualTo(d.fingerprint());
    }

    @Test
    void changesWithWhatChangesStoredValues() {
        DefinitionFingerprint shipped = of();
        DefinitionFingerprint minute = of("feature_group.window.size=1 min");
        assertThat(minute.fingerprint()).isNotEqualTo(shipped.fingerprint());
        assertThat(minute.differencesFrom(shipped)).containsExactly("window.size: 5 min -> 1 min");

        DefinitionFingerprint vpp = of("schema.fields.vpp.type=float", "schema.fields.vpp.parameter=true");
        assertThat(vpp.differencesFrom(shipped))
                .contains("features.vpp_mean.type added: double", "fields.vpp.parameter added: true")
                .contains("features.dq_devices_flagged_pct.inputs: [\"vdd\",\"idd\",\"frequency\",\"temperature\","
                        + "\"test_time_ms\"] -> [\"vdd\",\"idd\",\"frequency\",\"temperature\",\"vpp\","
                        + "\"test_time_ms\"]")
                // 8 new features (type and inputs each), 4 lines of the new field, and the two data-quality features
                // that read every parameter (and every field).
                .hasSize(8 * 2 + 4 + 2);
        assertThat(of("schema.fields.vdd.max=1.5").differencesFrom(shipped))
                .containsExactly("fields.vdd.max: 1.4 -> 1.5");
        assertThat(of("feature_group.window.type=sliding", "feature_group.window.slide=1 min")
                        .differencesFrom(shipped))
                .containsExactlyInAnyOrder("window.type: tumbling -> sliding", "window.slide added: 1 min");
    }

    @Test
    void staysWithDerivedFeaturesDocumentationAndTuning() {
        String shipped = of().fingerprint();
        assertThat(of("feature_group.derived.vdd_cv=vdd_std / vdd_mean * 100").fingerprint())
                .isEqualTo(shipped);
        assertThat(of("schema.fields.vdd.unit=mV").fingerprint()).isEqualTo(shipped);
        assertThat(of("feature_group.watermark.out_of_orderness=5 s", "quality.max_string_chars=100")
                        .fingerprint())
                .isEqualTo(shipped);
    }
}
