package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.TestConfigs;
import io.waferflow.cli.SavepointCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobOutput;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.savepoints.StateRows;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ResultSink;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code savepoint migrate} on the committed 0.1.0 savepoint: a renamed feature keeps its baseline under the new name,
 * every sketch is re-made at the new size with the same count and moments, and all other state is copied unchanged
 * (compared through {@code savepoint inspect} before and after).
 */
@org.junit.jupiter.api.Timeout(300)
class SavepointMigrateITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    @TempDir
    Path tmp;

    @Test
    void aRenamedFeatureKeepsItsBaselineAndEverythingElseIsCopied() throws Exception {
        FeaturesJobConfig config = TestConfigs.features(
                "feature_group.window.size=1 min",
                "feature_group.window.allowed_lateness=30 s",
                "drift.window=2 min",
                "drift.baseline.records=200");
        String original =
                SavepointCompatibilityITCase.COMMITTED.toAbsolutePath().toUri().toString();
        Path migrated = tmp.resolve("migrated");
        migrate(SavepointCompatibilityITCase.COMMITTED.toString(), migrated);

        SavepointInspection before = SavepointInspection.read(original, config);
        SavepointInspection after = SavepointInspection.read(migrated.toUri().toString(), config);
        Map<String, StateRows.Baseline> was =
                before.baselines.stream().collect(Collectors.toMap(b -> b.feature, b -> b));
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

    /**
     * The drift windows that were open in a savepoint get their judging timers back in the migrated one. A job is
     * stopped with a savepoint while drift window [6 min, 8 min) holds the final wafer windows of [6 min, 7 min) and
     * will receive no more values (the last record, at 7 min 40 s, only moves the watermark: it is quarantined). After
     * {@code migrate --rename temperature=temp_c --sketch-k 100}, a job restored from it whose input ends at once must
     * judge that window from the restored timer alone (no new value arrives to register one), under the new name, over
     * exactly the values it held.
     */
    @Test
    void openDriftWindowsAreJudgedAfterRestoringTheMigratedSavepoint() throws Exception {
        long t0 = java.time.Instant.parse("2026-11-27T03:00:00Z").toEpochMilli();
        List<byte[]> records = new java.util.ArrayList<>(TestDie.payloads(TestWafers.seed(3)
                .lot("LM")
                .wafers(2, "WM%d")
                .dies(420, 20)
                .starts(t0, 0)
                .temperature(25, 1)
                .testTime(120)
                .build()));
        String clock =
                TestDie.nominal(t0 + 460_000, "LM", "WCLOCK", 0, 0).json().replaceFirst("\"vdd\":[0-9.]+,", "");
        records.add(clock.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        SERVICES.createTopics("migrate", 1);
        SERVICES.produce("migrate-in", records);
        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "migrate",
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.records=200",
                "drift.min_baseline=100",
                "drift.min_current=50");
        Configuration flink = FeaturesJobRun.flinkConfiguration(config);
        ResultSink<DriftMetric> drift = new ResultSink<>("drift");
        FeaturesJobSinks sinks = FeaturesJobSinks.none().with(JobOutput.DRIFT_METRICS, drift);
        JobClient job = FeaturesJobRun.start(config, "migrate-before", flink, sinks);
        FeaturesJobRun.awaitRecordsIn(job, records.size());
        Thread.sleep(2_000); // let every operator see them
        String savepoint = FeaturesJobRun.savepoint(job, tmp.resolve("savepoints"));

        Path migrated = tmp.resolve("migrated");
        migrate(savepoint, migrated);
        Map<String, StateRows.Baseline> open =
                SavepointInspection.read(migrated.toUri().toString(), config).baselines.stream()
                        .collect(Collectors.toMap(b -> b.feature, b -> b));
        assertThat(open.keySet()).containsExactlyInAnyOrder("vdd", "idd", "frequency", "temp_c");
        assertThat(open.values()).allSatisfy(b -> {
            assertThat(b.openDriftWindows).as(b.feature + " open drift windows").isEqualTo(1);
            assertThat(b.openDriftValues)
                    .as(b.feature + " values in it: wafer window [6, 7) of 2 wafers")
                    .isEqualTo(120);
        });

        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, migrated.toUri().toString());
        flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        // Restored splits keep the unbounded end of the job that wrote them, so the restored job runs until it is
        // drained: the final watermark then fires every timer in it.
        JobClient restored = FeaturesJobRun.start(config, "migrate-after", flink, sinks);
        FeaturesJobRun.awaitRecordsIn(restored, records.size()); // counters restored: the job runs

        List<DriftMetric> judged = drift.from(FeaturesJobRun.drain(restored, tmp.resolve("end")));
        assertThat(judged).extracting(m -> m.feature).containsExactlyInAnyOrder("vdd", "idd", "frequency", "temp_c");
        assertThat(judged).allSatisfy(m -> {
            assertThat(m.windowStart).isEqualTo(t0 + 360_000);
            assertThat(m.nCurrent).isEqualTo(120);
        });
    }

    /** {@code savepoint migrate}: temperature renamed temp_c, sketches to k = 100, under the test's job settings. */
    private static void migrate(String savepoint, Path out) throws Exception {
        assertThat(new SavepointCommand().run(new String[] {
                    "migrate",
                    savepoint,
                    "--out",
                    out.toString(),
                    "--rename",
                    "temperature=temp_c",
                    "--sketch-k",
                    "100",
                    "--set",
                    "feature_group.window.size=1 min",
                    "--set",
                    "feature_group.window.allowed_lateness=30 s",
                    "--set",
                    "drift.window=2 min",
                    "--set",
                    "drift.baseline.records=200",
                    "--set",
                    "lineage.file=" + out.resolveSibling("lineage.jsonl")
                }))
                .isZero();
        // Its lineage: one run from the old savepoint to the new one.
        List<String> events = Files.readAllLines(out.resolveSibling("lineage.jsonl"));
        ObjectMapper json = new ObjectMapper();
        JsonNode start = json.readTree(events.get(events.size() - 2));
        JsonNode end = json.readTree(events.get(events.size() - 1));
        assertThat(start.get("eventType").asText()).isEqualTo("START");
        assertThat(end.get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(end.at("/job/name").asText()).isEqualTo("waferflow-features.savepoint-migrate");
        assertThat(end.at("/outputs/0/name").asText())
                .isEqualTo(out.toAbsolutePath().toString());
    }
}
