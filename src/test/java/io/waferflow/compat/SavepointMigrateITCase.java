package io.waferflow.compat;

import io.waferflow.TestConfigs;
import io.waferflow.cli.SavepointCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.savepoints.StateRows;
import io.waferflow.testing.FeaturesJobRun;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code savepoint migrate} on the committed 0.1.0 savepoint: a renamed feature keeps its baseline under the new
 * name, every sketch is re-made at the new size with the same count and moments, and all other state is copied
 * unchanged (compared through {@code savepoint inspect} before and after).
 */
class SavepointMigrateITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    @TempDir
    Path tmp;

    @Test
    void aRenamedFeatureKeepsItsBaselineAndEverythingElseIsCopied() throws Exception {
        FeaturesJobConfig config = TestConfigs.features("feature_group.window.size=1 min",
                "feature_group.window.allowed_lateness=30 s", "drift.window=2 min", "drift.baseline.records=200");
        String original = SavepointCompatibilityITCase.COMMITTED.toAbsolutePath().toUri().toString();
        Path migrated = tmp.resolve("migrated");
        assertThat(new SavepointCommand().run(new String[] {"migrate",
                SavepointCompatibilityITCase.COMMITTED.toString(), "--out", migrated.toString(),
                "--rename", "temperature=temp_c", "--sketch-k", "100",
                "--set", "feature_group.window.size=1 min", "--set", "feature_group.window.allowed_lateness=30 s",
                "--set", "drift.window=2 min", "--set", "drift.baseline.records=200"})).isZero();

        SavepointInspection before = SavepointInspection.read(original, config);
        SavepointInspection after = SavepointInspection.read(migrated.toUri().toString(), config);
        Map<String, StateRows.Baseline> was = before.baselines.stream()
                .collect(Collectors.toMap(b -> b.feature, b -> b));
        Map<String, StateRows.Baseline> is = after.baselines.stream().collect(Collectors.toMap(b -> b.feature, b -> b));
        assertThat(is.keySet()).containsExactlyInAnyOrder("vdd", "idd", "frequency", "temp_c");
        assertThat(is.get("temp_c").n).isEqualTo(was.get("temperature").n);
        assertThat(is.get("temp_c").id).isEqualTo(was.get("temperature").id);
        for (String f : new String[] {"vdd", "idd", "frequency"}) {
            assertThat(is.get(f).n).as(f).isEqualTo(was.get(f).n);
            assertThat(is.get(f).mean).as(f).isCloseTo(was.get(f).mean, within(1e-12));
            assertThat(is.get(f).std).as(f).isCloseTo(was.get(f).std, within(1e-12));
            assertThat(is.get(f).complete).isTrue();
            assertThat(was.get(f).sketchK).as(f + " before").isEqualTo(200);
            assertThat(is.get(f).sketchK).as(f + " re-sketched").isEqualTo(100);
        }
        assertThat(after.counters).isEqualTo(before.counters);
        assertThat(after.wafers).usingRecursiveFieldByFieldElementComparator().isEqualTo(before.wafers);
        assertThat(after.windows).usingRecursiveFieldByFieldElementComparator().isEqualTo(before.windows);
        assertThat(after.alerts).usingRecursiveFieldByFieldElementComparator().isEqualTo(before.alerts);
    }
}
