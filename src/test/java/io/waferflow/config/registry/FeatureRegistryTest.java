package io.waferflow.config.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry files: binding, the start-up check against a configuration, and what each version defines. */
class FeatureRegistryTest {

    @TempDir
    Path dir;

    /** The columns of jobs/features.yaml, written out by hand from SPEC 2.2 (not from FeatureColumns). */
    private static List<String> shippedColumns() {
        List<String> c = new ArrayList<>(List.of("device_count", "yield_pct"));
        for (String p : List.of("vdd", "idd", "frequency", "temperature")) {
            for (String s : List.of("mean", "std", "min", "max", "p50", "p95")) {
                c.add(p + "_" + s);
            }
        }
        c.addAll(List.of("avg_test_time_ms", "neighbor_yield_avg"));
        for (String p : List.of("vdd", "idd", "frequency", "temperature")) {
            c.add("dq_" + p + "_null_rate");
            c.add("dq_" + p + "_flagged_rate");
        }
        c.addAll(List.of("dq_devices_flagged_pct", "dq_quarantine_rate"));
        return c;
    }

    @Test
    void theShippedRegistryDescribesTheShippedConfiguration() {
        FeaturesJobConfig c = TestConfigs.features();
        assertThat(c.registryDirectory()).isEqualTo(Path.of("jobs/registry").toAbsolutePath());
        List<FeatureDefinition> features = FeatureDefinitions.of(c);
        assertThat(features).extracting(FeatureDefinition::name).containsExactlyElementsOf(shippedColumns());
        assertThat(features.get(0))
                .isEqualTo(new FeatureDefinition(
                        "device_count",
                        "long",
                        "devices",
                        "Devices of the wafer tested in the window (after duplicates are dropped)",
                        "count of the window's devices",
                        List.of("device_id")));
        FeatureDefinition iddP95 = features.stream()
                .filter(f -> f.name().equals("idd_p95"))
                .findFirst()
                .orElseThrow();
        assertThat(iddP95.type()).isEqualTo("double");
        assertThat(iddP95.unit()).isEqualTo("mA");
        assertThat(iddP95.inputs()).containsExactly("idd");
        assertThat(iddP95.description()).isEqualTo("95th percentile of idd");
        assertThat(features.stream().filter(f -> f.name().equals("neighbor_yield_avg")))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.unit()).isEqualTo("share 0-1");
                    assertThat(f.inputs()).containsExactly("die_x", "die_y", "pass_fail");
                });

        RegisteredGroup g = FeatureRegistry.load(c.registryDirectory()).group("wafer_aggregates");
        assertThat(g.entity()).isEqualTo("wafer_id");
        assertThat(g.versionNames()).containsExactly("v1");
        assertThat(FeatureDefinitions.unregisteredChanges(c, FeatureRegistry.load(c.registryDirectory())))
                .as("v1 is registered as jobs/features.yaml defines it")
                .isEmpty();
    }

    @Test
    void templatesFollowTheSchemasParametricTests() {
        FeaturesJobConfig c = TestConfigs.features(
                "schema.fields.vpp.type=float", "schema.fields.vpp.parameter=true", "schema.fields.vpp.unit=V");
        List<FeatureDefinition> features = FeatureDefinitions.of(c);
        assertThat(features).hasSize(shippedColumns().size() + 8);
        assertThat(features)
                .filteredOn(f -> f.inputs().equals(List.of("vpp")))
                .extracting(FeatureDefinition::name)
                .containsExactly(
                        "vpp_mean",
                        "vpp_std",
                        "vpp_min",
                        "vpp_max",
                        "vpp_p50",
                        "vpp_p95",
                        "dq_vpp_null_rate",
                        "dq_vpp_flagged_rate");
        assertThat(FeatureDefinitions.unregisteredChanges(c, FeatureRegistry.load(c.registryDirectory())))
                .anySatisfy(line -> assertThat(line).startsWith("features added (8): vpp_mean"));
    }

    @Test
    void unknownAndDuplicateKeysAreRefusedNamingTheFile() throws Exception {
        Path unknown = TestRegistries.edited(dir.resolve("a"), t -> t.replace("owner: ", "ownr: "));
        assertThatThrownBy(() -> FeatureRegistry.load(unknown))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wafer_aggregates.yaml: ownr")
                .hasMessageContaining("is not a registry key");
        Path nested = TestRegistries.edited(
                dir.resolve("b"), t -> t.replace("    unit: ms\n", "    unit: ms\n    unti: s\n"));
        assertThatThrownBy(() -> FeatureRegistry.load(nested))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("features.avg_test_time_ms.unti");
        Path twice = TestRegistries.edited(
                dir.resolve("c"), t -> t.replace("entity: wafer_id\n", "entity: wafer_id\nentity: lot_id\n"));
        assertThatThrownBy(() -> FeatureRegistry.load(twice))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("entity");
        Path badDate = TestRegistries.edited(dir.resolve("d"), t -> t.replace("date: 2026-12-03", "date: soon"));
        assertThatThrownBy(() -> FeatureRegistry.load(badDate))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("versions[v1].date")
                .hasMessageContaining("not a date");
        Path renamed =
                TestRegistries.edited(dir.resolve("e"), t -> t.replace("name: wafer_aggregates", "name: wafers"));
        assertThatThrownBy(() -> FeatureRegistry.load(renamed))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("name the file <name>.yaml");
    }

    @Test
    void anUnregisteredGroupOrVersionIsRefused() {
        assertThatThrownBy(() -> FeatureDefinitions.of(TestConfigs.features("feature_group.version=v7")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.version'")
                .hasMessageContaining("version 'v7' of wafer_aggregates is not registered (registered: v1)")
                .hasMessageContaining("add it under versions:");
        assertThatThrownBy(() -> FeatureDefinitions.of(TestConfigs.features("feature_group.name=die_aggregates")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("feature group 'die_aggregates' is not registered")
                .hasMessageContaining("registered: wafer_aggregates");
        assertThatThrownBy(() ->
                        FeatureDefinitions.of(TestConfigs.features("feature_group.registry=" + dir.resolve("nowhere"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.registry'")
                .hasMessageContaining("is not a directory");
    }

    @Test
    void aMissingFeatureAnExtraOneAndAnotherTypeAreRefused() throws Exception {
        Path missing =
                TestRegistries.edited(dir.resolve("m"), t -> cut(t, "  \"{parameter}_p95\":", "  avg_test_time_ms:"));
        assertThatThrownBy(() -> FeatureDefinitions.of(TestConfigs.features("feature_group.registry=" + missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lacks 4 feature column(s) the job writes: vdd_p95, idd_p95, frequency_p95,"
                        + " temperature_p95");
        Path extra = TestRegistries.edited(
                dir.resolve("x"),
                t -> t.replace(
                        "  yield_pct:\n",
                        "  yield_ratio:\n"
                                + "    type: double\n    description: d\n    transformation: t\n"
                                + "    inputs: [pass_fail]\n  yield_pct:\n"));
        assertThatThrownBy(() -> FeatureDefinitions.of(TestConfigs.features("feature_group.registry=" + extra)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("declares feature(s) the job does not write: yield_ratio");
        Path typed = TestRegistries.edited(dir.resolve("t"), t -> t.replaceFirst("type: long", "type: double"));
        assertThatThrownBy(() -> FeatureDefinitions.of(TestConfigs.features("feature_group.registry=" + typed)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("features.device_count")
                .hasMessageContaining("is registered as double but the stores write it as long");
    }

    /** The text without the part from {@code from} up to (not including) {@code to}. */
    private static String cut(String text, String from, String to) {
        int a = text.indexOf(from);
        int b = text.indexOf(to);
        assertThat(a).isPositive().isLessThan(b);
        return text.substring(0, a) + text.substring(b);
    }

    @Test
    void theDiffOfTwoVersionsNamesEveryChange() throws Exception {
        RegisteredGroup g = FeatureRegistry.load(TestRegistries.withV2(dir)).group("wafer_aggregates");
        List<String> diff = VersionDiff.between(
                g, g.version("v1").orElseThrow(), g.version("v2").orElseThrow());
        assertThat(diff)
                .containsExactly(
                        "features added (8): vpp_mean, vpp_std, vpp_min, vpp_max, vpp_p50, vpp_p95, dq_vpp_null_rate,"
                                + " dq_vpp_flagged_rate",
                        "window.size: 5 min -> 10 min",
                        "derived.vdd_cv removed (was vdd_std / vdd_mean)");
        assertThat(VersionDiff.between(
                        g, g.version("v2").orElseThrow(), g.version("v1").orElseThrow()))
                .first()
                .asString()
                .startsWith("features removed (8): vpp_mean");
    }

    @Test
    void aUnitChangeIsAChangedFeature() throws Exception {
        RegisteredGroup g = FeatureRegistry.load(
                        TestRegistries.withV2(dir).resolve("..").resolve(dir.getFileName()))
                .group("wafer_aggregates");
        RegisteredVersion v1 = g.version("v1").orElseThrow();
        java.util.LinkedHashMap<String, String> mv =
                new java.util.LinkedHashMap<>(v1.definition().parameterUnits());
        mv.put("vdd", "mV");
        RegisteredVersion millivolts = new RegisteredVersion(
                "v1mv",
                "2026-12-05",
                "vdd in mV",
                new VersionDefinition(v1.definition().window(), mv, null));
        assertThat(VersionDiff.between(g, v1, millivolts))
                .contains("feature changed: vdd_mean unit V -> mV")
                .contains("derived.vdd_cv removed (was vdd_std / vdd_mean)");
    }
}
