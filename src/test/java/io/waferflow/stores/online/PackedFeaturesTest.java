package io.waferflow.stores.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A row's features packed into one hash field come back exactly as the per-field layout stored them. */
class PackedFeaturesTest {

    private static final List<String> NAMES =
            List.of("device_count", "yield_pct", "vdd_mean", "vdd_p95", "odd \"name\"");

    @Test
    void packedRowIsAJsonObjectOfTheStoredTexts() throws Exception {
        String packed = PackedFeatures.pack(
                PackedFeatures.openings(NAMES), new String[] {"700", "93.5", "1.0E-5", "", "Infinity"});

        JsonNode json = new ObjectMapper().readTree(packed); // any JSON reader reads it
        assertThat(json.get("device_count").asText()).isEqualTo("700");
        assertThat(json.get("yield_pct").isNumber()).isTrue();
        assertThat(json.get("vdd_mean").asDouble()).isEqualTo(1.0E-5);
        assertThat(json.get("vdd_p95").isNull()).isTrue();
        assertThat(json.get("odd \"name\"").asText()).isEqualTo("Infinity");
    }

    @Test
    void unpackPutsEachNamedFeatureAtItsPositionAndSkipsTheRest() {
        String packed = PackedFeatures.pack(
                PackedFeatures.openings(NAMES), new String[] {"700", "93.5", "1.0E-5", null, "-Infinity"});
        String[] out = new String[3];
        Map<String, Integer> positions = Map.of("vdd_p95", 0, "device_count", 1, "not_in_row", 2);

        PackedFeatures.unpack(packed, positions, out);

        assertThat(out).containsExactly(OnlineKeys.NULL, "700", null);
    }

    @Test
    void flattenGivesTheRowAsTheOldPerFieldHashHeldIt() {
        String packed = PackedFeatures.pack(
                PackedFeatures.openings(List.of("yield_pct", "vdd_mean")), new String[] {"93.5", ""});
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put(OnlineKeys.FEATURES, packed);
        hash.put(OnlineKeys.WINDOW_END, "1800000060000");
        hash.put("yield_pct", "10.0"); // left by a per-field write of an earlier release

        assertThat(PackedFeatures.flatten(hash))
                .isEqualTo(Map.of("yield_pct", "93.5", "vdd_mean", "", OnlineKeys.WINDOW_END, "1800000060000"));
        Map<String, String> perField = new HashMap<>(Map.of("yield_pct", "93.5"));
        assertThat(PackedFeatures.flatten(perField)).isSameAs(perField);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[1]", "{\"a\":1", "{\"a\":{\"b\":1}}", "not json"})
    void aValueThatIsNotAPackedRowIsRefusedByName(String stored) {
        assertThatThrownBy(() -> PackedFeatures.unpack(stored, Map.of("a", 0), new String[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a packed feature row");
    }

    /** Stored values are copied into answers and packed rows as they are, so only JSON numbers may pass. */
    @ParameterizedTest
    @ValueSource(strings = {"93.5", "700", "-0.25", "0", "1.0E-5", "6.02e+23", "1.7976931348623157E308"})
    void javaDoublesAndWholeNumbersAreWrittenAsStored(String stored) {
        assertThat(PackedFeatures.isJsonNumber(stored)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "NaN", "Infinity", "-Infinity", "1.", ".5", "01", "1e", "0x1p3", " 1", "1d", "--1"})
    void anythingElseIsNotANumber(String stored) {
        assertThat(PackedFeatures.isJsonNumber(stored)).isFalse();
    }
}
