package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a restore, a record for a window that was final at the snapshot is too late, deterministically: it is the very
 * first record the restored job reads, so no input channel has sent a watermark yet when it reaches the window
 * operator, and only the lateness floor restored in the keyed stage ({@link io.waferflow.features.RestoredWatermark})
 * can tell the window it is final. Without the floor the record reopens its window and a second row of it is written (a
 * restored job starts at "no watermark": Flink does not checkpoint watermarks).
 */
@Timeout(300)
class RestoredLatenessITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private void produce(List<TestDie> dies) throws Exception {
        SERVICES.produce("floor-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber());
    }

    @Test
    void theFirstRecordAfterARestoreCannotReopenAFinalWindow() throws Exception {
        // Wafer WF0 on partition 0 and WF1 on partition 1, a die a second each for 6 minutes; 4 before the savepoint.
        List<TestDie> dies = TestWafers.seed(23)
                .lot("LF")
                .wafers(2, "WF%d")
                .dies(360, 25)
                .starts(T0, 300)
                .failRate(0.1)
                .testTime(100, 50)
                .build();
        List<TestDie> before =
                dies.stream().filter(d -> d.time() < T0 + 240_000).toList();
        List<TestDie> after =
                dies.stream().filter(d -> d.time() >= T0 + 240_000).toList();
        // Window [T0, T0 + 1 min) is final once the watermark passes T0 + 90 s; the savepoint's is near T0 + 235 s.
        TestDie old = new TestDie(T0 + 10_000, "LF", "WF0", 24, 24, true, 1.25, 55, 2050, 25.0, 120);
        SERVICES.createTopics("floor", 2);
        produce(before);

        FeaturesJobConfig config =
                SERVICES.config(tmp, "floor", "feature_group.watermark.emit=per_record", "drift.enabled=false");
        Configuration flink = FeaturesJobRun.flinkConfiguration(config);
        JobClient first = FeaturesJobRun.start(config, "floor-before", flink, FeaturesJobSinks.production(config));
        FeaturesJobRun.awaitRecordsIn(first, before.size());
        Thread.sleep(2_000); // every operator has seen the records: the windows before the savepoint are final
        String savepoint = FeaturesJobRun.savepoint(first, tmp.resolve("savepoint"));

        // The old record first, on partition 0, then new traffic on both partitions.
        List<TestDie> resumed = new ArrayList<>();
        resumed.add(old);
        resumed.addAll(after);
        produce(resumed);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = FeaturesJobRun.start(config, "floor-after", flink, FeaturesJobSinks.production(config));
        FeaturesJobRun.awaitRecordsIn(second, before.size() + resumed.size());
        JobProgress progress =
                new JobProgress(FeaturesJobRun.drain(second, tmp.resolve("end")).getAllAccumulatorResults());

        assertThat(progress.tooLate).as("records too late for their window").isEqualTo(1);
        List<String> tooLate = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("floor-violations")) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            if (json.contains("\"rule\":\"too_late\"")) {
                tooLate.add(json);
            }
        }
        assertThat(tooLate).as("too_late violations on the topic").hasSize(1);
        assertThat(tooLate.get(0)).contains("\"device_id\":\"WF0-24-24\"");

        // Every window once, with the features of an uninterrupted run that never saw the old record (rowsByWindow
        // fails on a second row of a window).
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
        Map<String, Map<String, Object>> rows =
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id");
        assertThat(rows.keySet()).isEqualTo(expected.rows.keySet());
        for (ExpectedFeatures.Row want : expected.rows.values()) {
            Map<String, Object> got = rows.get(want.wafer + "@" + want.windowStart);
            assertThat(((Number) got.get("device_count")).doubleValue())
                    .as(want.wafer + "@" + want.windowStart)
                    .isEqualTo(want.features.get("device_count"));
            assertThat(got.get("revision"))
                    .as("revision of " + want.wafer + "@" + want.windowStart)
                    .isEqualTo(0);
        }
    }
}
