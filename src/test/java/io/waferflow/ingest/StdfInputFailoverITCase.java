package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.ingest.stdf.OldestFileFirst;
import io.waferflow.ingest.stdf.StdfDirectory;
import io.waferflow.ingest.stdf.StdfFileFormat;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.LogCapture;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.StdfWaferFile;
import io.waferflow.testing.TestDie;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure while the file source is in the middle of its files: the job restarts from the last checkpoint, each reader
 * reads its file again and skips the parts emitted before the checkpoint, and every part ends counted once:
 * {@code records_in} equals the parts written, no duplicate is dropped, and the Parquet rows equal the plain
 * computation. Parts are parsed slowly (1 ms each) so checkpoints fall inside files; the failure is thrown by the
 * parser once, on the first attempt, after a checkpoint has completed while the readers were in their files.
 */
@Timeout(300)
class StdfInputFailoverITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    /** Below QuantileSketches.EXACT_VALUES: the p50 and p95 are exact, so they must equal the plain computation. */
    private static final int DIES = 1_000;

    private static final long FAIL_AT = 1_500;
    private static final Pattern SKIPPED = Pattern.compile(": (\\d+) items read before the restore skipped");

    @TempDir
    Path tmp;

    /**
     * The job's parser, slowed down, failing once at its {@link #FAIL_AT}th part of all readers, but only after a
     * checkpoint has completed since that part: the reader waits for it (readers parse in their fetcher threads, so the
     * checkpoint goes on meanwhile). A failure before any completed checkpoint would restart from nothing and test no
     * restore, which a fixed count alone allowed on a loaded machine.
     */
    static StdfFileFormat.PartParser slowFailingParser(
            InputSchema schema,
            QualityConfig quality,
            SharedReference<AtomicLong> parsed,
            SharedReference<AtomicBoolean> failed,
            SharedReference<LogCapture> log) {
        StdfFileFormat.PartParser parser = StdfInput.parser(schema, quality);
        return (json, observedAt) -> {
            if (parsed.get().incrementAndGet() >= FAIL_AT && !failed.get().get()) {
                awaitCheckpointAfter(completedCheckpoints(log.get()), log.get());
                if (failed.get().compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure in the middle of a file");
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return parser.parse(json, observedAt);
        };
    }

    private static long completedCheckpoints(LogCapture log) {
        return log.events().stream()
                .filter(e -> e.contains("Completed checkpoint"))
                .count();
    }

    private static void awaitCheckpointAfter(long completed, LogCapture log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (completedCheckpoints(log) <= completed && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aRestoreInTheMiddleOfFilesNeitherRepeatsNorLosesParts() throws Exception {
        String name = "stdfr";
        SERVICES.createTopics(name, 1);
        Path dir = Files.createDirectories(tmp.resolve("stdf"));
        StdfWaferFile a =
                StdfWaferFile.write("LR", "WR1", "t1", T0 + 60_000, 0, DIES, 40, 4, 31, ByteOrder.LITTLE_ENDIAN);
        StdfWaferFile b = StdfWaferFile.write("LR", "WR2", "t2", T0 + 60_000, 0, DIES, 40, 4, 32, ByteOrder.BIG_ENDIAN);
        a.writeTo(dir.resolve("a.stdf"));
        b.writeTo(dir.resolve("b.stdf"));
        List<TestDie> dies = new ArrayList<>(a.dies());
        dies.addAll(b.dies());

        FeaturesJobConfig config =
                SERVICES.config(tmp, name, "feature_group.window.size=1 h", "checkpointing.interval=200 ms");
        SharedReference<AtomicLong> parsed = shared.add(new AtomicLong());
        SharedReference<AtomicBoolean> failed = shared.add(new AtomicBoolean());
        JobExecutionResult result;
        List<String> skips = new ArrayList<>();
        try (LogCapture log = LogCapture.start(
                Level.WARN,
                Map.of(
                        "io.waferflow.ingest.stdf",
                        Level.INFO,
                        "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
                        Level.INFO))) {
            SharedReference<LogCapture> checkpoints = shared.add(log);
            InputSchema schema = config.schema();
            QualityConfig quality = config.quality();
            FileSource<ParsedDeviceTest> source = FileSource.forBulkFileFormat(
                            new StdfFileFormat(
                                    config.stdf(),
                                    () -> slowFailingParser(schema, quality, parsed, failed, checkpoints)),
                            new org.apache.flink.core.fs.Path(dir.toUri()))
                    .setFileEnumerator(() -> new StdfDirectory(false))
                    .setSplitAssigner(OldestFileFirst::new)
                    .build();
            result = FeaturesJobRun.execute(
                    config, source, FeaturesJobRun.restarting(config, 1, Duration.ofMillis(100)), "stdf-failover");
            for (String event : log.events()) {
                Matcher m = SKIPPED.matcher(event);
                if (m.find()) {
                    skips.add(m.group(1));
                }
            }
        }

        assertThat(failed.get().get()).as("the injected failure happened").isTrue();
        assertThat(skips)
                .as("restored readers skipped what they had emitted before the checkpoint")
                .isNotEmpty()
                .anySatisfy(n -> assertThat(Long.parseLong(n)).isPositive());
        System.out.printf("StdfInputFailoverITCase: restored readers skipped %s items%n", skips);
        JobProgress counts = new JobProgress(result.getAllAccumulatorResults());
        assertThat(counts.recordsIn).as("records_in").isEqualTo(2L * DIES);
        assertThat(counts.duplicates).as("duplicates dropped").isZero();
        assertThat(counts.quarantined).as("quarantined").isZero();
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, Set.of(), 3_600_000, 30_000, 5_000);
        FeaturesJobRun.assertRowsEqualModel(
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"),
                expected.rows,
                "offline rows after the failover");
    }
}
