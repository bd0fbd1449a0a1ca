package io.waferflow.outages;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import io.waferflow.testing.WaferFlowProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §3: the {@code features} process itself killed with {@code kill -9} mid-stream, then started again the plain
 * way (same command, no flags). It must resume from its last retained checkpoint, so that every output equals an
 * uninterrupted run's, here the independent model's: one Parquet row per (wafer, window) with the model's features, the
 * newest window of every wafer in Redis, each malformed record exactly once on the violation topic (read committed) and
 * in the quarantine, each valid record exactly once in the raw archive. Without a checkpoint to resume from, a plain
 * start after a previous run committed offsets is refused, naming {@code --fresh}.
 */
@Timeout(600)
class KillAndRestartITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private static final long T0 = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();
    private static final String TOPIC = "kill-in";
    private static final int BATCHES = 8;
    private static final int MALFORMED_PER_BATCH = 3;

    @TempDir
    Path tmp;

    /** Eight wafers of 240 dies, one die a second, a new wafer every minute; wafers alternate between partitions. */
    private static List<TestDie> traffic() {
        return TestWafers.seed(11)
                .lot("LK")
                .wafers(8, "WK%d")
                .dies(240, 16)
                .starts(T0, 60_000)
                .failRate(0.12)
                .temperature(25, 1)
                .testTime(100, 40)
                .build();
    }

    private static int partition(TestDie d) {
        return d.waferNumber() % 2;
    }

    private List<String> features(String checkpoints) {
        return FeaturesJobRun.commandLine(
                Path.of("jobs/features.yaml"),
                SERVICES.settings(
                        tmp,
                        "kill",
                        "checkpointing.interval=1 s",
                        "checkpointing.dir=" + tmp.resolve(checkpoints),
                        "feature_group.watermark.emit=per_record",
                        // The shipped default: a start without state refuses a group with committed offsets.
                        "kafka.starting_offsets=committed"));
    }

    /** A batch's records on their partitions, with malformed messages on both. */
    private void produce(List<TestDie> dies) throws Exception {
        for (int p = 0; p < 2; p++) {
            int partition = p;
            List<byte[]> payloads = new ArrayList<>();
            dies.stream().filter(d -> partition(d) == partition).forEach(d -> payloads.add(d.bytes()));
            for (int i = 0; i < (p == 0 ? MALFORMED_PER_BATCH - 1 : 1); i++) {
                payloads.add(("{\"wafer_id\":\"WK" + p + "\",\"vdd\":1.2").getBytes(StandardCharsets.UTF_8));
            }
            SERVICES.produce(TOPIC, payloads, i -> partition);
        }
    }

    @Test
    void aPlainRestartAfterKill9ContinuesAsIfNothingHappened() throws Exception {
        List<TestDie> dies = traffic();
        // One record per partition ten minutes later makes every window final.
        long last = dies.get(dies.size() - 1).time();
        List<TestDie> clock = List.of(
                TestDie.nominal(last + 600_000, "LK", "WKCLOCK0", 0, 0),
                TestDie.nominal(last + 600_000, "LK", "WKCLOCK1", 0, 0));
        int perBatch = dies.size() / BATCHES;
        SERVICES.createTopics("kill", 2);
        Path checkpoints = tmp.resolve("checkpoints");

        try (WaferFlowProcess first = WaferFlowProcess.start(tmp.resolve("first.log"), features("checkpoints"))) {
            for (int b = 0; b < BATCHES / 2; b++) {
                produce(dies.subList(b * perBatch, (b + 1) * perBatch));
            }
            await(
                    first,
                    Duration.ofMinutes(3),
                    "two retained checkpoints and committed Parquet rows",
                    () -> checkpointCount(checkpoints) >= 1 && committedRows() > 0);
            // The fifth batch arrives and the process dies while reading it: records after the last checkpoint are
            // in flight, windows are open, Parquet files are in progress.
            produce(dies.subList(4 * perBatch, 5 * perBatch));
            Thread.sleep(300);
            first.kill9();
            assertThat(first.output()).contains("first start");
        }

        try (WaferFlowProcess second = WaferFlowProcess.start(tmp.resolve("second.log"), features("checkpoints"))) {
            for (int b = BATCHES / 2 + 1; b < BATCHES; b++) {
                produce(dies.subList(b * perBatch, b == BATCHES - 1 ? dies.size() : (b + 1) * perBatch));
            }
            SERVICES.produce(TOPIC, List.of(clock.get(0).bytes()), i -> 0);
            SERVICES.produce(TOPIC, List.of(clock.get(1).bytes()), i -> 1);

            List<TestDie> all = new ArrayList<>(dies);
            all.addAll(clock);
            ExpectedFeatures expected = ExpectedFeatures.compute(all, 60_000, 30_000, 5_000);
            int finalRows = (int) expected.rows.values().stream()
                    .filter(r -> !r.wafer.startsWith("WKCLOCK"))
                    .count();
            long malformed = (long) BATCHES * MALFORMED_PER_BATCH;
            await(
                    second,
                    Duration.ofMinutes(3),
                    "every final row committed and every violation on the topic",
                    () -> committedRows() >= finalRows && violationsOnTopic() >= malformed);
            assertThat(second.output()).contains("resuming from checkpoint");
            Thread.sleep(3_000); // a few more checkpoints: anything duplicated would show now
            second.close();

            Map<String, Map<String, Object>> rows = ParquetFiles.rowsByWindow(
                    tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"); // fails on a second row
            rows.keySet().removeIf(k -> k.startsWith("WKCLOCK"));
            expected.rows.keySet().removeIf(k -> k.startsWith("WKCLOCK"));
            FeaturesJobRun.assertWindowsEqualModel(rows, expected.rows, "after kill -9 and restart");
            assertThat(violationsOnTopic())
                    .as("malformed records on the violation topic, read committed")
                    .isEqualTo(malformed);
            assertThat(ParquetFiles.read(tmp.resolve("data/_quarantine")))
                    .as("quarantined records")
                    .hasSize((int) malformed);
            assertThat(ParquetFiles.read(tmp.resolve("data/raw")))
                    .as("raw archive rows: every valid record once")
                    .hasSize(all.size());
            SERVICES.assertOnline("kill", expected.newestPerWafer().values(), "device_count");
        }

        // The same command with its checkpoints gone: the consumer group's committed offsets are no state.
        try (WaferFlowProcess third = WaferFlowProcess.start(tmp.resolve("third.log"), features("elsewhere"))) {
            assertThat(third.awaitExit(Duration.ofMinutes(1)))
                    .as("exit code of a refused start")
                    .isEqualTo(2);
            assertThat(third.output())
                    .contains("has committed offsets on 'kill-in'")
                    .contains("--fresh")
                    .contains("--from-savepoint");
        }
    }

    private long committedRows() {
        return ParquetFiles.read(tmp.resolve("data/wafer_aggregates/version=v1")).stream()
                .filter(r -> !r.get("wafer_id").toString().startsWith("WKCLOCK"))
                .count();
    }

    private long violationsOnTopic() {
        try {
            List<ConsumerRecord<byte[], byte[]>> records = SERVICES.readCommitted("kill-violations");
            return records.size();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long checkpointCount(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .count();
        } catch (Exception e) {
            return 0; // a checkpoint being subsumed while walking
        }
    }

    private static void await(WaferFlowProcess process, Duration timeout, String what, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("the process ended while waiting for " + what + ":\n" + process.output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ":\n" + process.output());
            }
            Thread.sleep(500);
        }
    }
}
