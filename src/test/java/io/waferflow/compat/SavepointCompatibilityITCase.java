package io.waferflow.compat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.WaferFeatures;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.metrics.JobProgress;
import io.waferflow.testing.CollectSink;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.TestDie;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC 6 "a savepoint of the previous release restores into the next": a savepoint taken by release 0.1.0 of the
 * features job is committed under {@code src/test/resources/savepoints/features-0.1.0}; the current code must restore
 * it with {@code allowNonRestoredState=false} (every piece of state finds its operator) and continue as if it had
 * never stopped: counters continue, a record re-delivered across the savepoint is still a duplicate and is judged
 * against the restored watermark (it must not reopen its long-final window: {@link
 * io.waferflow.features.RestoredWatermark}), and the windows open at the savepoint end with exactly the features of an
 * uninterrupted run.
 *
 * <p>Writing the savepoint (only when a release changes state on purpose, together with a migration):
 * {@code mvn test -Dtest=SavepointCompatibilityITCase -Dwaferflow.generate-savepoint=true} runs the first half of the
 * fixture with the current code, stops with a savepoint (no drain: windows stay open in state) and replaces the
 * committed one. Both modes use the same graph: the production operators with collecting sinks.
 */
@Timeout(300)
class SavepointCompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    static final String RELEASE = "0.1.0";
    static final Path COMMITTED = Path.of("src/test/resources/savepoints/features-" + RELEASE);
    static final long T0 = Instant.parse("2026-11-27T06:00:00Z").toEpochMilli();
    static final String TOPIC = "compat-in";
    static final String OFFLINE = "compat-offline";

    @TempDir
    Path tmp;

    /** 4 wafers of 400 dies, one per second, wafers 0 and 2 on partition 0, 1 and 3 on partition 1. */
    static List<TestDie> dies() {
        Random random = new Random(17);
        List<TestDie> dies = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            for (int k = 0; k < 400; k++) {
                dies.add(new TestDie(T0 + w * 3_000L + k * 1_000L, "LC", "WC" + w, k % 20, k / 20,
                        random.nextDouble() > 0.1, 1.2 + 0.02 * random.nextGaussian(), 50 + 5 * random.nextGaussian(),
                        2000 + 100 * random.nextGaussian(), 25.0, 100 + random.nextInt(50)));
            }
        }
        dies.sort(Comparator.comparingLong(TestDie::time));
        return dies;
    }

    /**
     * The first 1,200 records (about 5 minutes: two drift windows judged, so drift baselines are in the savepoint),
     * and a re-delivery of the 10th: what ran before the savepoint.
     */
    static List<TestDie> before(List<TestDie> dies) {
        List<TestDie> part = new ArrayList<>(dies.subList(0, 1_200));
        part.add(dies.get(9));
        return part;
    }

    /**
     * A re-delivery of the 20th record, from before the savepoint, then the rest: a duplicate (the check's state came
     * through the savepoint) and, as in a run that never stopped, too late for its window, which was final and written
     * before the savepoint. It is the first record the restored job reads, so only the lateness floor restored from
     * the 0.1.0 savepoint (kept by its source-side operator under the same uid) can tell its window it is final.
     */
    private static List<TestDie> after(List<TestDie> dies) {
        List<TestDie> part = new ArrayList<>();
        part.add(dies.get(19));
        part.addAll(dies.subList(1_200, dies.size()));
        return part;
    }

    private void produce(List<TestDie> records) throws Exception {
        produce(SERVICES, records);
    }

    /** Wafers 0 and 2 to partition 0, 1 and 3 to partition 1, as the savepoint's job read them. */
    static void produce(LocalServices services, List<TestDie> records) throws Exception {
        services.produce(TOPIC, records.stream().map(d -> d.json().getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList()), i -> Integer.parseInt(records.get(i).wafer().substring(2)) % 2);
    }

    FeaturesJobConfig config() {
        return FeaturesJobRun.config(SERVICES.kafka(), SERVICES.redis(), tmp, TOPIC, "compat-violations", "compat",
                "feature_group.watermark.emit=per_record", "drift.window=2 min", "drift.baseline.records=200",
                "drift.min_baseline=100", "drift.min_current=50");
    }

    /** The production operators; every output that has state upstream ends in a collecting or discarding sink. */
    static FeaturesJobSinks sinks() {
        return FeaturesJobSinks.none()
                .withOffline(rows -> rows.sinkTo(new CollectSink<>(OFFLINE)).uid("compat-collect-offline"))
                .withOnline(rows -> rows.sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                        .uid("compat-discard-online"))
                .withDriftMetrics(m -> m.sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                        .uid("compat-discard-drift"))
                .withAlerts(a -> a.sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                        .uid("compat-discard-alerts"))
                .withViolations(v -> v.sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                        .uid("compat-discard-violations"));
    }

    private JobClient start(Configuration flink) throws Exception {
        FeaturesJobConfig config = config();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        new FeaturesJob(config, KafkaInput.source(config), sinks()).build(env);
        return env.executeAsync("compat");
    }

    private static JobProgress awaitRecordsIn(JobClient job, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JobProgress p = new JobProgress(job.getAccumulators().get());
            if (p.recordsIn >= expected) {
                return p;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job did not read " + expected + " records: "
                + new JobProgress(job.getAccumulators().get()));
    }

    @Test
    void theCommittedSavepointRestoresAndContinues() throws Exception {
        List<TestDie> dies = dies();
        List<TestDie> before = before(dies);
        List<TestDie> after = after(dies);
        SERVICES.kafka().createTopic(TOPIC, 2);
        SERVICES.kafka().createTopic("compat-violations", 1);
        produce(before);
        FeaturesJobConfig config = config();
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        flink.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");

        if (Boolean.getBoolean("waferflow.generate-savepoint")) {
            JobClient job = start(flink);
            awaitRecordsIn(job, before.size());
            Thread.sleep(2_000); // let every operator see the records, then snapshot them in flight
            String savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoint").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            replaceCommitted(Path.of(java.net.URI.create(savepoint)));
            System.out.println("SavepointCompatibilityITCase: wrote " + COMMITTED.toAbsolutePath());
            return;
        }

        assertThat(COMMITTED.resolve("_metadata")).as("the committed savepoint of release " + RELEASE).exists();
        produce(after);
        CollectSink.clear(OFFLINE);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, COMMITTED.toAbsolutePath().toUri().toString());
        flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        JobClient job = start(flink);
        JobProgress progress = awaitRecordsIn(job, before.size() + after.size());
        assertThat(progress.recordsIn).as("counters continue from the savepoint").isEqualTo(before.size() + after.size());
        assertThat(progress.duplicates).as("both re-deliveries, one of them across the savepoint").isEqualTo(2);
        // Drain: every window fires and every final row is emitted.
        job.stopWithSavepoint(true, tmp.resolve("end").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);

        ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
        // Both re-deliveries arrive minutes of event time after their windows were final: quarantined and counted as
        // duplicates, they change no window.
        // Windows whose final row was written before the savepoint (final time = end − 1 + 30 s at or below the
        // savepoint's watermark: the smaller partition's newest event time − 5 s − 1) belong to the first run.
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < 2; p++) {
            int partition = p;
            watermark = Math.min(watermark, before.stream().filter(d -> Integer.parseInt(d.wafer().substring(2)) % 2
                    == partition).mapToLong(TestDie::time).max().orElseThrow() - 5_000 - 1);
        }
        long savepointWatermark = watermark;
        List<ExpectedFeatures.Row> afterRestore = expected.rows.values().stream()
                .filter(r -> r.windowEnd - 1 + 30_000 > savepointWatermark).collect(Collectors.toList());
        assertThat(afterRestore.size()).as("windows still open at the savepoint").isBetween(8, expected.rows.size() - 8);
        Map<String, List<WaferFeatures>> byWindow = CollectSink.<WaferFeatures>collected(OFFLINE).stream()
                .collect(Collectors.groupingBy(f -> f.waferId + "@" + f.windowStart));
        assertThat(byWindow.keySet()).isEqualTo(afterRestore.stream().map(r -> r.wafer + "@" + r.windowStart)
                .collect(Collectors.toSet()));
        for (ExpectedFeatures.Row want : afterRestore) {
            List<WaferFeatures> got = byWindow.get(want.wafer + "@" + want.windowStart);
            assertThat(got).as(want.wafer + "@" + want.windowStart).hasSize(1);
            WaferFeatures f = got.get(0);
            assertThat((double) f.deviceCount).as("device_count of " + want.wafer + "@" + want.windowStart)
                    .isEqualTo(want.features.get("device_count"));
            assertThat(f.yieldPct).isEqualTo(want.features.get("yield_pct"));
            assertThat(f.mean[0]).isCloseTo(want.features.get("vdd_mean"), org.assertj.core.api.Assertions.within(1e-9));
            assertThat(f.p95[1]).isEqualTo(want.features.get("idd_p95"));
            assertThat(f.quarantineRate).isCloseTo(want.features.get("dq_quarantine_rate"),
                    org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    private static void replaceCommitted(Path savepoint) throws Exception {
        if (Files.exists(COMMITTED)) {
            try (Stream<Path> old = Files.walk(COMMITTED)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(COMMITTED);
        try (Stream<Path> files = Files.list(savepoint)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, COMMITTED.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
