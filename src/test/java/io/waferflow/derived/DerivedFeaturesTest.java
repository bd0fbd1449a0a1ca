package io.waferflow.derived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped examples over hand-computed rows, nulls, division by zero, the offline path, serialization. */
class DerivedFeaturesTest {

    static final List<String> STORED = new FeatureColumns(List.of("vdd", "idd")).names();
    static final Map<String, Double> BASELINE = Map.of("baseline.vdd.mean", 1.15, "baseline.vdd.std", 0.025);

    static Map<String, String> examples() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("vdd_cv", "vdd_std / vdd_mean");
        d.put("yield_vs_neighbors", "yield_pct - 100 * neighbor_yield_avg");
        d.put("vdd_z", "(vdd_mean - baseline.vdd.mean) / baseline.vdd.std");
        return d;
    }

    static Map<String, Double> row(Object... nameValue) {
        Map<String, Double> r = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            r.put((String) nameValue[i], (Double) nameValue[i + 1]);
        }
        return r;
    }

    private final DerivedFeatures derived = DerivedFeatures.compile(examples(), STORED, BASELINE);

    @Test
    void theExamplesGiveTheHandComputedValues() {
        Map<String, Double> r = row("vdd_mean", 1.2, "vdd_std", 0.03, "yield_pct", 92.5, "neighbor_yield_avg", 0.9);
        // 0.03 / 1.2 = 0.025; 92.5 - 100 * 0.9 = 2.5 percentage points; (1.2 - 1.15) / 0.025 = 2 baseline sigmas
        assertThat(derived.evaluate("vdd_cv", r::get)).isCloseTo(0.025, within(1e-15));
        assertThat(derived.evaluate("yield_vs_neighbors", r::get)).isCloseTo(2.5, within(1e-12));
        assertThat(derived.evaluate("vdd_z", r::get)).isCloseTo(2.0, within(1e-12));
        assertThat(derived.names()).containsExactly("vdd_cv", "yield_vs_neighbors", "vdd_z");
        assertThat(derived.has("vdd_z")).isTrue();
        assertThat(derived.has("vdd_mean"))
                .as("a stored feature is not a derived one")
                .isFalse();
    }

    @Test
    void aMissingInputGivesNullNeverAStandIn() {
        Map<String, Double> r =
                row("vdd_mean", 1.2, "vdd_std", null, "yield_pct", 92.5, "neighbor_yield_avg", Double.NaN);
        assertThat(derived.evaluate("vdd_cv", r::get)).as("a null stored value").isNull();
        assertThat(derived.evaluate("yield_vs_neighbors", r::get))
                .as("NaN, the offline null")
                .isNull();
        assertThat(derived.evaluate("vdd_z", r::get)).isCloseTo(2.0, within(1e-12));
        assertThat(derived.evaluate("vdd_cv", name -> null))
                .as("an entity without a row")
                .isNull();

        DerivedFeatures noBaseline = derived.withBaseline(Map.of());
        assertThat(noBaseline.evaluate("vdd_z", r::get))
                .as("no baseline loaded")
                .isNull();
        assertThat(noBaseline.evaluate("vdd_z", r::get)).isNull();
        assertThat(derived.withBaseline(Map.of("baseline.vdd.mean", 1.15, "baseline.vdd.std", Double.NaN))
                        .evaluate("vdd_z", r::get))
                .as("the std of fewer than two values")
                .isNull();
    }

    @Test
    void divisionByZeroGivesNull() {
        Map<String, Double> zero = row("vdd_mean", 0.0, "vdd_std", 0.03);
        assertThat(derived.evaluate("vdd_cv", zero::get))
                .as("0.03 / 0 = Infinity")
                .isNull();
        Map<String, Double> both = row("vdd_mean", 0.0, "vdd_std", 0.0);
        assertThat(derived.evaluate("vdd_cv", both::get)).as("0 / 0 = NaN").isNull();
        assertThat(derived.withBaseline(Map.of("baseline.vdd.mean", 1.15, "baseline.vdd.std", 0.0))
                        .evaluate("vdd_z", row("vdd_mean", 1.2)::get))
                .as("a constant baseline")
                .isNull();
        DerivedFeatures modulo = DerivedFeatures.compile(Map.of("m", "device_count % 0"), STORED, Map.of());
        assertThat(modulo.evaluate("m", row("device_count", 7.0)::get)).isNull();
    }

    @Test
    void aDerivedFeatureMayUseEarlierOnesAndFunctions() {
        Map<String, String> d = new LinkedHashMap<>(examples());
        d.put("vdd_cv_pct", "100 * vdd_cv");
        d.put("vdd_z_abs", "abs(vdd_z)");
        d.put("worse_yield", "min(yield_pct, 100 * neighbor_yield_avg)");
        d.put("spread", "sqrt(vdd_std ^ 2 + idd_std ^ 2)");
        DerivedFeatures chained = DerivedFeatures.compile(d, STORED, BASELINE);
        Map<String, Double> r =
                row("vdd_mean", 1.0, "vdd_std", 0.03, "idd_std", 0.04, "yield_pct", 80.0, "neighbor_yield_avg", 0.75);
        assertThat(chained.evaluate("vdd_cv_pct", r::get)).isCloseTo(3.0, within(1e-12)); // 100 * 0.03 / 1.0
        assertThat(chained.evaluate("vdd_z_abs", r::get)).isCloseTo(6.0, within(1e-12)); // |1.0 - 1.15| / 0.025
        assertThat(chained.evaluate("worse_yield", r::get)).isCloseTo(75.0, within(1e-12));
        assertThat(chained.evaluate("spread", r::get)).isCloseTo(0.05, within(1e-12)); // the 3-4-5 triangle
        assertThat(chained.evaluate("vdd_cv_pct", row("vdd_mean", 0.0, "vdd_std", 0.03)::get))
                .as("null when the derived feature it uses is null")
                .isNull();
        assertThat(chained.storedInputs("vdd_cv_pct")).containsExactly("vdd_std", "vdd_mean");
        assertThat(chained.storedInputs("vdd_z_abs")).containsExactly("vdd_mean");
    }

    @Test
    void theOfflineRowPathGivesTheSameValuesAsThePerEntityPath() {
        Map<String, String> d = new LinkedHashMap<>(examples());
        d.put("vdd_cv_pct", "100 * vdd_cv");
        DerivedFeatures chained = DerivedFeatures.compile(d, STORED, BASELINE);
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 1000; i++) {
            Map<String, Double> r = row(
                    "vdd_mean", random.nextInt(10) == 0 ? 0.0 : 1 + random.nextDouble() * 0.4,
                    "vdd_std", random.nextInt(10) == 0 ? null : random.nextDouble() * 0.05,
                    "yield_pct", random.nextDouble() * 100,
                    "neighbor_yield_avg", random.nextInt(10) == 0 ? Double.NaN : random.nextDouble());
            Map<String, Double> offline = chained.evaluateRow(r);
            assertThat(offline.keySet()).containsExactlyElementsOf(chained.names());
            for (String name : chained.names()) {
                assertThat(offline.get(name)).as(name + " of " + r).isEqualTo(chained.evaluate(name, r::get));
            }
        }
    }

    @Test
    void theConfigurationsDefinitionsCompileOverItsColumnsAndAProblemNamesTheKey() {
        FeaturesJobConfig c = TestConfigs.features();
        DerivedFeatures shipped = DerivedFeatures.of(c, BASELINE);
        assertThat(shipped.names()).containsExactly("vdd_cv", "yield_vs_neighbors", "vdd_z");
        assertThat(shipped.expression("vdd_cv")).isEqualTo("vdd_std / vdd_mean");
        assertThatThrownBy(() -> DerivedFeatures.compile(Map.of("x", "vdd_mean / nope"), STORED, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.derived.x'")
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> shipped.evaluate("vdd_cvv", name -> 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared: vdd_cv, yield_vs_neighbors, vdd_z");
    }

    @Test
    void itSurvivesJavaSerializationAsFlinkFunctionsCarryIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(derived);
        }
        DerivedFeatures copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (DerivedFeatures) in.readObject();
        }
        Map<String, Double> r = row("vdd_mean", 1.2, "vdd_std", 0.03, "yield_pct", 92.5, "neighbor_yield_avg", 0.9);
        assertThat(copy.names()).isEqualTo(derived.names());
        assertThat(copy.evaluateRow(r)).isEqualTo(derived.evaluateRow(r));
    }
}
