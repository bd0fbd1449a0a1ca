package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * SPEC 6 "a savepoint of the previous release restores into the next": the savepoint that release 0.1.0 (tag
 * {@code v0.1.0}, see {@code RELEASES.md}) took of this fixture, with the production sinks, is committed under
 * {@code src/test/resources/savepoints/features-0.1.0}. The current code restores it with
 * {@code allowNonRestoredState=false} (every piece of state finds its operator), with the production sinks, onto a new
 * Kafka broker, Redis and offline root, and must continue as if it had never stopped: counters continue, a record
 * re-delivered across the savepoint is still a duplicate and, as the very first record read, too late for its
 * long-final window (the lateness floor restored from the savepoint: {@link io.waferflow.features.RestoredWatermark}),
 * and every window open at the savepoint ends with every column of the independent model's row: in Parquet, and the
 * newest per wafer in Redis.
 *
 * <p>Writing a release's savepoint (when a release is cut, with that release's code: see {@code RELEASES.md}):
 * {@code mvn test -Dtest=SavepointCompatibilityITCase -Dwaferflow.generate-savepoint=<release>} runs the first half of
 * the fixture, waits until the violation topic's transactions are committed (so the savepoint holds none that a new
 * broker would not know), stops with a savepoint (no drain: windows stay open in state) and writes it under
 * {@code src/test/resources/savepoints/features-<release>}.
 */
@Timeout(300)
class SavepointCompatibilityITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    static final String RELEASE = "0.1.0";
    static final Path COMMITTED = Path.of("src/test/resources/savepoints/features-" + RELEASE);
    static final long T0 = Instant.parse("2026-11-27T06:00:00Z").toEpochMilli();
    /** The job's name: its topics ({@code compat-in}, {@code compat-violations}) are in the savepoint's state. */
    private static final String NAME = "compat";

    @TempDir
    Path tmp;

    /** 4 wafers of 400 dies, one per second, wafers 0 and 2 on partition 0, 1 and 3 on partition 1. */
    static List<TestDie> dies() {
        return TestWafers.seed(17)
                .lot("LC")
                .wafers(4, "WC%d")
                .dies(400, 20)
                .starts(T0, 3_000)
                .failRate(0.1)
                .testTime(100, 50)
                .build();
    }

    /**
     * The first 1,200 records (about 5 minutes: two drift windows judged, so drift baselines are in the savepoint), and
     * a re-delivery of the 10th: what ran before the savepoint.
     */
    static List<TestDie> before(List<TestDie> dies) {
        List<TestDie> part = new ArrayList<>(dies.subList(0, 1_200));
        part.add(dies.get(9));
        return part;
    }

    /**
     * A re-delivery of the 20th record, from before the savepoint, then the rest: a duplicate (the check's state came
     * through the savepoint) and, as in a run that never stopped, too late for its window, which was final and written
     * before the savepoint. It is the first record the restored job reads, so only the lateness floor restored from the
     * 0.1.0 savepoint (kept by its source-side operator under the same uid) can tell its window it is final.
     */
    private static List<TestDie> after(List<TestDie> dies) {
        List<TestDie> part = new ArrayList<>();
        part.add(dies.get(19));
        part.addAll(dies.subList(1_200, dies.size()));
        return part;
    }

    /** Wafers 0 and 2 to partition 0, 1 and 3 to partition 1, as the savepoint's job read them. */
    private static void produce(List<TestDie> records) throws Exception {
        SERVICES.produce(
                NAME + "-in", TestDie.payloads(records), i -> records.get(i).waferNumber() % 2);
    }

    private FeaturesJobConfig config() {
        return SERVICES.config(
                tmp,
                NAME,
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.records=200",
                "drift.min_baseline=100",
                "drift.min_current=50");
    }

    private JobClient start(Configuration flink) throws Exception {
        FeaturesJobConfig config = config();
        return FeaturesJobRun.start(config, NAME, flink, FeaturesJobSinks.production(config));
    }

    @Test
    void theSavepointOfThePreviousReleaseRestoresAndContinues() throws Exception {
        List<TestDie> dies = dies();
        List<TestDie> before = before(dies);
        List<TestDie> after = after(dies);
        SERVICES.createTopics(NAME, 2);
        produce(before);
        Configuration flink = FeaturesJobRun.flinkConfiguration(config());

        String generate = System.getProperty("waferflow.generate-savepoint");
        if (generate != null && !generate.isBlank()) {
            JobClient job = start(flink);
            FeaturesJobRun.awaitRecordsIn(job, before.size());
            // Every operator has seen the records, and the violation topic's transaction of the re-delivery has been
            // committed by later checkpoints: the savepoint holds no transaction a new broker would not know.
            Thread.sleep(4_000);
            String savepoint = FeaturesJobRun.savepoint(job, tmp.resolve("savepoint"));
            Path target = Path.of("src/test/resources/savepoints/features-" + generate);
            replaceCommitted(Path.of(java.net.URI.create(savepoint)), target);
            System.out.println("SavepointCompatibilityITCase: wrote " + target.toAbsolutePath());
            return;
        }

        assertThat(COMMITTED.resolve("_metadata"))
                .as("the committed savepoint of release " + RELEASE)
                .exists();
        produce(after);
        flink.set(
                StateRecoveryOptions.SAVEPOINT_PATH,
                COMMITTED.toAbsolutePath().toUri().toString());
        flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        JobClient job = start(flink);
        JobProgress progress = FeaturesJobRun.awaitRecordsIn(job, before.size() + after.size());
        assertThat(progress.recordsIn)
                .as("counters continue from the savepoint")
                .isEqualTo(before.size() + after.size());
        assertThat(progress.duplicates)
                .as("both re-deliveries, one of them across the savepoint")
                .isEqualTo(2);
        // Drain: every window fires and every final row is emitted.
        progress = new JobProgress(FeaturesJobRun.drain(job, tmp.resolve("end")).getAllAccumulatorResults());
        assertThat(progress.tooLate)
                .as("the re-delivered record is no window's: its duplicate check came first")
                .isZero();

        // Both re-deliveries arrive minutes of event time after their windows were final: quarantined as duplicates,
        // they change no window. Windows whose final row was written before the savepoint (final time = end − 1 + 30 s
        // at or below the savepoint's watermark: the smaller partition's newest event time − 5 s − 1) belong to the
        // run of release 0.1.0; every other window is written by this one, whole.
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < 2; p++) {
            int partition = p;
            watermark = Math.min(
                    watermark,
                    before.stream()
                                    .filter(d -> d.waferNumber() % 2 == partition)
                                    .mapToLong(TestDie::time)
                                    .max()
                                    .orElseThrow()
                            - 5_000
                            - 1);
        }
        long savepointWatermark = watermark;
        List<ExpectedFeatures.Row> afterRestore = expected.rows.values().stream()
                .filter(r -> r.windowEnd - 1 + 30_000 > savepointWatermark)
                .collect(Collectors.toList());
        assertThat(afterRestore.size())
                .as("windows still open at the savepoint")
                .isBetween(8, expected.rows.size() - 8);
        Map<String, Map<String, Object>> rows = ParquetFiles.rowsByWindow(
                tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"); // fails on a second row of a window
        assertThat(rows.keySet())
                .isEqualTo(afterRestore.stream()
                        .map(r -> r.wafer + "@" + r.windowStart)
                        .collect(Collectors.toSet()));
        for (ExpectedFeatures.Row want : afterRestore) {
            assertEveryColumn(rows.get(want.wafer + "@" + want.windowStart), want);
        }
        try (Jedis jedis = SERVICES.jedis()) {
            for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                Map<String, String> online =
                        PackedFeatures.flatten(jedis.hgetAll("compat:wafer_aggregates:v1:" + want.wafer));
                assertThat(online.get("window_end")).as(want.wafer).isEqualTo(Long.toString(want.windowEnd));
                for (Map.Entry<String, Double> f : want.features.entrySet()) {
                    String what = want.wafer + " online " + f.getKey();
                    if (f.getValue() == null) {
                        assertThat(online.get(f.getKey())).as(what).isIn(null, "", "NaN");
                    } else {
                        assertThat(Double.parseDouble(online.get(f.getKey())))
                                .as(what)
                                .isCloseTo(f.getValue(), within(1e-9));
                    }
                }
            }
        }
        List<String> violations = SERVICES.readCommitted(NAME + "-violations").stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        assertThat(violations)
                .as("violations after the restore (read committed)")
                .singleElement()
                .satisfies(v -> assertThat(v)
                        .contains("\"rule\":\"duplicate\"")
                        .contains("\"device_id\":\"" + dies.get(19).deviceId() + "\""));
        assertThat(ParquetFiles.read(tmp.resolve("data/raw")))
                .as("raw archive: the records after the savepoint")
                .hasSize(after.size());
    }

    /**
     * Every column of a Parquet feature row: the model's value for each feature (1e-9; null where it has none), and the
     * row's identity, version and revision. A column neither names fails: nothing goes unchecked.
     */
    private static void assertEveryColumn(Map<String, Object> got, ExpectedFeatures.Row want) {
        String row = want.wafer + "@" + want.windowStart;
        Map<String, Object> identity = Map.of(
                "wafer_id",
                want.wafer,
                "lot_id",
                want.lot,
                "window_start",
                want.windowStart,
                "window_end",
                want.windowEnd,
                "revision",
                want.revision,
                "feature_group",
                "wafer_aggregates",
                "feature_version",
                "v1",
                "job_version",
                "0.2.0-SNAPSHOT");
        for (Map.Entry<String, Object> column : got.entrySet()) {
            String name = column.getKey();
            Object value = column.getValue();
            if (identity.containsKey(name)) {
                Object wanted = identity.get(name);
                Object actual = value instanceof java.time.Instant ? ((java.time.Instant) value).toEpochMilli() : value;
                assertThat(String.valueOf(actual)).as(row + " " + name).isEqualTo(String.valueOf(wanted));
            } else {
                assertThat(want.features)
                        .as(row + ": column " + name + " is checked")
                        .containsKey(name);
                Double wanted = want.features.get(name);
                if (wanted == null) {
                    assertThat(value).as(row + " " + name).isNull();
                } else {
                    assertThat(((Number) value).doubleValue())
                            .as(row + " " + name)
                            .isCloseTo(wanted, within(1e-9));
                }
            }
        }
        assertThat(got.keySet()).as(row + ": every model feature is a column").containsAll(want.features.keySet());
    }

    private static void replaceCommitted(Path savepoint, Path target) throws Exception {
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(savepoint)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
