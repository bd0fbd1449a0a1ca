package io.waferflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.WaferFeatures;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobOutput;
import io.waferflow.jobs.Uids;
import io.waferflow.testing.FailOnceAfterCheckpoint;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 6 "every input record ends in exactly one place, counted", at every checkpoint and across a failover: the
 * streaming job reads traffic that arrives in batches (valid records, unparseable ones, re-deliveries and records too
 * late for their window), fails once after a checkpoint, recovers, and is cancelled with every checkpoint retained. The
 * State Processor API then reads the counters of each retained checkpoint from the operators that keep them, and the
 * ledger must balance in every one.
 */
@Timeout(300)
class AccountingITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster(retainEveryCheckpoint());

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    private static final int BATCHES = 8;
    private static final int VALID = 6_000;
    private static final int MALFORMED_PER_BATCH = 5;
    private static final int DUPLICATES_PER_BATCH = 4;
    private static final int TOO_LATE = 20;

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    @TempDir
    Path tmp;

    @Test
    void theLedgerBalancesInEveryCheckpoint() throws Exception {
        // 20 wafers of 300 dies on 2 testers (one per partition), 1 s per die, in order within each partition.
        List<TestDie> all = TestWafers.seed(11)
                .lot("LA")
                .wafers(20, "WA%02d")
                .dies(300, 20)
                .starts(w -> T0 + (w / 2) * 310_000L)
                .failRate(0.1)
                .testTime(120)
                .build();
        List<List<TestDie>> byPartition = List.of(new ArrayList<>(), new ArrayList<>());
        all.forEach(d -> byPartition.get(d.waferNumber() % 2).add(d));
        String topic = "accounting-in";
        SERVICES.createTopics("accounting", 2);

        FeaturesJobConfig config = SERVICES.config(
                tmp, "accounting", "checkpointing.interval=200 ms", "feature_group.watermark.emit=per_record");
        Configuration flink = FeaturesJobRun.restarting(config, 1, Duration.ofMillis(100));
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        FailOnceAfterCheckpoint<WaferFeatures> failure = FailOnceAfterCheckpoint.onSubtaskZero(shared);
        FeaturesJobSinks sinks = FeaturesJobSinks.production(config)
                .alsoTo(FeaturesJobSinks.none()
                        .with(
                                JobOutput.OFFLINE,
                                offline -> offline.map(failure)
                                        .uid("test-fail-once")
                                        .sinkTo(new DiscardingSink<>())
                                        .uid("test-discard")));
        JobClient job = FeaturesJobRun.start(config, "accounting-it", flink, sinks);

        long sent = 0;
        int perBatch = VALID / 2 / BATCHES;
        for (int b = 0; b < BATCHES; b++) {
            for (int p = 0; p < 2; p++) {
                List<byte[]> batch = new ArrayList<>();
                List<TestDie> dies = byPartition.get(p).subList(b * perBatch, (b + 1) * perBatch);
                batch.addAll(TestDie.payloads(dies));
                for (int i = 0; i < MALFORMED_PER_BATCH; i++) {
                    batch.add(bytes("{\"wafer_id\": \"WA00\", \"vdd\": 1.2"));
                }
                for (int i = 0; i < DUPLICATES_PER_BATCH / 2; i++) {
                    batch.add(dies.get(i * 7).bytes());
                }
                if (b == BATCHES - 1) {
                    // Far behind the watermark: their window [T0, T0 + 1 min) closed 30 s after its end.
                    for (int i = 0; i < TOO_LATE / 2; i++) {
                        batch.add(TestDie.nominal(T0 + 10_000, "LA", "WA0" + p, 30 + i, 30)
                                .bytes());
                    }
                }
                int partition = p;
                SERVICES.produce(topic, batch, i -> partition);
                sent += batch.size();
            }
            Thread.sleep(400);
        }
        long malformed = (long) BATCHES * 2 * MALFORMED_PER_BATCH;
        long duplicates = (long) BATCHES * DUPLICATES_PER_BATCH;
        assertThat(sent).isEqualTo(VALID + malformed + duplicates + TOO_LATE);

        // Wait until every record is counted somewhere, then for two more checkpoints, and cancel.
        Path checkpoints = tmp.resolve("checkpoints").resolve(job.getJobID().toHexString());
        JobProgress progress = awaitProgress(job, sent);
        long last = latestCheckpoint(checkpoints);
        while (latestCheckpoint(checkpoints) < last + 2) {
            Thread.sleep(100);
        }
        job.cancel().get();
        assertThat(failure.failedOn()).as("the injected failure happened").isNotNull();
        assertThat(progress.aggregated() + progress.quarantined)
                .as("accumulators after the failover")
                .isEqualTo(sent);

        TreeMap<Long, Map<String, Long>> ledgers = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            for (Path chk : dirs.filter(
                            d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .toList()) {
                ledgers.put(Long.parseLong(chk.getFileName().toString().substring(4)), readCounters(chk));
            }
        }
        assertThat(ledgers).as("retained checkpoints").hasSizeGreaterThan(3);
        long previousIn = 0;
        boolean midStream = false;
        for (Map.Entry<Long, Map<String, Long>> e : ledgers.entrySet()) {
            Map<String, Long> c = e.getValue();
            String what = "checkpoint " + e.getKey() + " " + c;
            long in = c.getOrDefault(PipelineCounter.RECORDS_IN, 0L);
            long aggregated = c.getOrDefault(PipelineCounter.RECORDS_WINDOWED, 0L)
                    - c.getOrDefault(PipelineCounter.RECORDS_TOO_LATE, 0L);
            long quarantined = c.getOrDefault(PipelineCounter.RECORDS_QUARANTINED, 0L);
            assertThat(aggregated + quarantined).as(what).isEqualTo(in);
            // Counted by two operators in different tasks: equal only if both counts belong to the same cut.
            assertThat(c.getOrDefault(PipelineCounter.RECORDS_WINDOWED, 0L)
                            + c.getOrDefault(PipelineCounter.RECORDS_DUPLICATE, 0L))
                    .as(what)
                    .isEqualTo(c.getOrDefault(PipelineCounter.RECORDS_VALID, 0L));
            assertThat(in).as(what + " never goes back").isGreaterThanOrEqualTo(previousIn);
            previousIn = in;
            midStream |= in > 0 && in < sent;
        }
        assertThat(midStream).as("some checkpoint was taken mid-stream").isTrue();
        System.out.printf(
                "AccountingITCase: ledger balanced in %d retained checkpoints (%d to %d)%n",
                ledgers.size(), ledgers.firstKey(), ledgers.lastKey());
        Map<String, Long> end = ledgers.lastEntry().getValue();
        assertThat(end.get(PipelineCounter.RECORDS_IN)).isEqualTo(sent);
        assertThat(end.get(PipelineCounter.RECORDS_QUARANTINED)).isEqualTo(malformed + duplicates + TOO_LATE);
        assertThat(end.get(PipelineCounter.RECORDS_DUPLICATE)).isEqualTo(duplicates);
        assertThat(end.get(PipelineCounter.RECORDS_TOO_LATE)).isEqualTo(TOO_LATE);
        assertThat(end.get(PipelineCounter.RECORDS_WINDOWED) - end.get(PipelineCounter.RECORDS_TOO_LATE))
                .isEqualTo(VALID);
    }

    /** The JobManager's checkpoint store keeps this many completed checkpoints (a cluster setting, not a job's). */
    private static Configuration retainEveryCheckpoint() {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 10_000);
        return c;
    }

    private static JobProgress awaitProgress(JobClient job, long sent) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JobProgress p = new JobProgress(job.getAccumulators().get());
            if (p.recordsIn == sent && p.aggregated() + p.quarantined == sent) {
                return p;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not every record was counted: "
                + new JobProgress(job.getAccumulators().get()));
    }

    private static long latestCheckpoint(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.map(d -> d.getFileName().toString())
                    .filter(n -> n.startsWith("chk-"))
                    .mapToLong(n -> Long.parseLong(n.substring(4)))
                    .max()
                    .orElse(-1);
        }
    }

    /** The sum of every counting operator's checkpointed counters, read with the State Processor API. */
    private static Map<String, Long> readCounters(Path checkpoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        SavepointReader reader = SavepointReader.read(env, checkpoint.toUri().toString(), new HashMapStateBackend());
        DataStream<PipelineCount> all = null;
        for (String uid : List.of(Uids.ROUTE, Uids.DROP_DUPLICATES, Uids.TOO_LATE)) {
            DataStream<PipelineCount> counts = reader.readListState(
                    OperatorIdentifier.forUid(uid),
                    PipelineCounters.STATE_NAME,
                    TypeInformation.of(PipelineCount.class));
            all = all == null ? counts : all.union(counts);
        }
        Map<String, Long> sums = new HashMap<>();
        try (var it = all.executeAndCollect()) {
            it.forEachRemaining(c -> sums.merge(c.name, c.value, Long::sum));
        }
        return sums;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
