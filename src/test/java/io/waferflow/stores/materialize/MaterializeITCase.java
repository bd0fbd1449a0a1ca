package io.waferflow.stores.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.cli.MaterializeCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code materialize} on the offline rows of real runs of the production graph, against a real Kafka broker and
 * redis-server: after Redis lost its data it restores every wafer's newest final row, equal to the independent model's
 * (every feature, window, revision and metadata) and to the row the job itself had written; it keeps rows Redis already
 * holds or holds newer; {@code --since} filters. And issue 13's acceptance: Redis flushed under a running job,
 * materialize run, input goes on: every wafer ends with the model's newest window and no row ever went back.
 */
@Timeout(600)
class MaterializeITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long LATENESS = 30_000;
    private static final long BOUND = 5_000;

    @TempDir
    Path tmp;

    private static final String[] OVERRIDES = {
        "redis.ttl=1 h", "feature_group.watermark.emit=per_record", "feature_group.watermark.idleness=5 min"
    };

    /** Runs {@code materialize --group wafer_aggregates --version v1 <args>} with job {@code name}'s settings. */
    private String materialize(String name, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--group", "wafer_aggregates", "--version", "v1"));
        argv.addAll(List.of(args));
        for (String s : SERVICES.settings(tmp, name, OVERRIDES)) {
            argv.add("--set");
            argv.add(s);
        }
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        int code = new MaterializeCommand(new PrintStream(shown, true, StandardCharsets.UTF_8))
                .run(argv.toArray(new String[0]));
        assertThat(code).as("exit code").isZero();
        return shown.toString(StandardCharsets.UTF_8);
    }

    private static String key(String name, String wafer) {
        return name + ":wafer_aggregates:v1:" + wafer;
    }

    private static Map<String, String> withoutWriteTime(Map<String, String> hash) {
        Map<String, String> copy = new HashMap<>(hash);
        copy.remove("updated_at");
        return copy;
    }

    /** The model's row in Redis, with the metadata the job writes and the TTL, written at or after {@code since}. */
    private static void assertMaterialized(
            Jedis jedis, String name, ExpectedFeatures.Row want, FeaturesJobConfig config, long since) {
        String key = key(name, want.wafer);
        Map<String, String> hash = PackedFeatures.flatten(jedis.hgetAll(key));
        FeaturesJobRun.assertOnlineEqualsModel(hash, want, key);
        assertThat(hash.get("lot_id")).as(key).isEqualTo(want.lot);
        assertThat(hash.get("feature_version")).as(key).isEqualTo("v1");
        assertThat(hash.get("job_version")).as(key).isEqualTo(config.jobVersion());
        assertThat(Long.parseLong(hash.get("updated_at")))
                .as(key + " updated_at")
                .isGreaterThanOrEqualTo(since);
        assertThat(jedis.ttl(key)).as(key + " TTL").isBetween(1L, 3600L);
    }

    @Test
    void afterAFlushEveryWaferGetsItsNewestFinalRowBackOnceAndNewerRowsStay() throws Exception {
        // Six wafers of 90 dies, one a second, a new wafer every 45 s: their newest windows end at different minutes.
        List<TestDie> dies = TestWafers.seed(61)
                .lot("LM")
                .wafers(6, "WM%d")
                .dies(90, 10)
                .starts(T0, 45_000)
                .failRate(0.1)
                .testTime(100, 40)
                .build();
        SERVICES.createTopics("mat", 2);
        SERVICES.produce("mat-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber() % 2);
        FeaturesJobConfig config = SERVICES.config(tmp, "mat", OVERRIDES);
        FeaturesJobRun.execute(config, "materialize-offline");

        // In event-time order on each partition: nothing is late, whatever the interleaving of the two.
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, MINUTE, LATENESS, BOUND);
        Map<String, ExpectedFeatures.Row> newest = expected.newestPerWafer();
        FeaturesJobRun.assertRowsEqualModel(
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"),
                expected.rows,
                "offline rows");
        try (Jedis jedis = SERVICES.jedis()) {
            Map<String, Map<String, String>> byTheJob = new TreeMap<>();
            for (String wafer : newest.keySet()) {
                byTheJob.put(wafer, PackedFeatures.flatten(jedis.hgetAll(key("mat", wafer))));
            }
            jedis.flushAll();

            long start = System.currentTimeMillis();
            assertThat(materialize("mat"))
                    .containsPattern("rows read +" + expected.rows.size() + " ")
                    .containsPattern("entities +" + newest.size() + " ")
                    .containsPattern("written +" + newest.size() + " ")
                    .containsPattern("kept +0 ");
            assertThat(jedis.keys("mat:wafer_aggregates:*")).hasSize(newest.size());
            assertThat(jedis.hget("mat:registry:wafer_aggregates:v1", "definition"))
                    .as("the definition of the rows it wrote (docs/registry.md)")
                    .startsWith("sha256:");
            for (ExpectedFeatures.Row want : newest.values()) {
                assertMaterialized(jedis, "mat", want, config, start);
                assertThat(withoutWriteTime(PackedFeatures.flatten(jedis.hgetAll(key("mat", want.wafer)))))
                        .as("the row the job wrote, but for the write time")
                        .isEqualTo(withoutWriteTime(byTheJob.get(want.wafer)));
            }

            assertThat(materialize("mat"))
                    .as("a second run")
                    .containsPattern("written +0 ")
                    .containsPattern("kept +" + newest.size() + " +Redis holds the same window \\(" + newest.size()
                            + "\\) or a newer one \\(0\\)");

            // A newer window of WM0 than the offline store's (as a job running ahead would write it) stays.
            String wm0 = key("mat", "WM0");
            jedis.hset(wm0, "window_end", Long.toString(newest.get("WM0").windowEnd + MINUTE));
            jedis.hset(wm0, "features", "{\"yield_pct\":-1.0}");
            assertThat(materialize("mat")).containsPattern("written +0 ").containsPattern("or a newer one \\(1\\)");
            assertThat(jedis.hget(wm0, "features")).isEqualTo("{\"yield_pct\":-1.0}");

            // --since: only the wafers whose newest window ended at or after WM3's.
            jedis.flushAll();
            long since = newest.get("WM3").windowEnd;
            Set<String> due = newest.values().stream()
                    .filter(r -> r.windowEnd >= since)
                    .map(r -> key("mat", r.wafer))
                    .collect(Collectors.toSet());
            assertThat(due)
                    .as("fixture: some wafers before --since, some after")
                    .hasSizeBetween(2, newest.size() - 2);
            assertThat(materialize("mat", "--since", Instant.ofEpochMilli(since).toString()))
                    .containsPattern("written +" + due.size() + " ")
                    .containsPattern("skipped by --since +" + (newest.size() - due.size()) + " ");
            assertThat(jedis.keys("mat:wafer_aggregates:*")).isEqualTo(due);
        }
    }

    @Test
    void redisFlushedUnderARunningJobIsRestoredAndNoRowEverGoesBack() throws Exception {
        // Six wafers tested side by side for five minutes, one die a second each; then one die per partition ten
        // minutes later, so every window ends final.
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(62)
                .lot("LR")
                .wafers(6, "WR%d")
                .dies(300, 20)
                .starts(T0, 0)
                .failRate(0.1)
                .testTime(100, 40)
                .build());
        long last = dies.get(dies.size() - 1).time();
        dies.add(TestDie.nominal(last + 600_000, "LR", "WRCLOCK0", 0, 0));
        dies.add(TestDie.nominal(last + 600_000, "LR", "WRCLOCK1", 0, 0));
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, MINUTE, LATENESS, BOUND);
        // Up to T0 + 170 s first: the watermark stops near T0 + 165 s, where the windows ending at T0 + 60 s and
        // T0 + 120 s are final (past their lateness) and the next one has not fired: whatever fired is in Parquet.
        List<TestDie> first = dies.stream().filter(d -> d.time() < T0 + 170_000).toList();
        List<TestDie> rest = dies.subList(first.size(), dies.size());
        Map<String, ExpectedFeatures.Row> finalAtFlush = new TreeMap<>();
        expected.rows.forEach((k, r) -> {
            if (r.windowEnd <= T0 + 2 * MINUTE) {
                finalAtFlush.put(k, r);
            }
        });
        Map<String, ExpectedFeatures.Row> newestAtFlush = new TreeMap<>();
        finalAtFlush
                .values()
                .forEach(r -> newestAtFlush.merge(r.wafer, r, (a, b) -> a.windowEnd >= b.windowEnd ? a : b));
        assertThat(newestAtFlush).hasSize(6);

        SERVICES.createTopics("matrun", 2);
        FeaturesJobConfig config = SERVICES.config(tmp, "matrun", OVERRIDES);
        JobClient job = FeaturesJobRun.start(
                config,
                "materialize-running",
                FeaturesJobRun.flinkConfiguration(config),
                FeaturesJobSinks.production(config));
        SERVICES.produce("matrun-in", TestDie.payloads(first), i -> first.get(i).waferNumber() % 2);
        FeaturesJobRun.awaitRecordsIn(job, first.size());

        Path offline = tmp.resolve("data/wafer_aggregates/version=v1");
        try (Jedis jedis = SERVICES.jedis()) {
            // Windows landed: the final ones committed in Parquet, each wafer's newest in Redis.
            await("final windows committed and online", Duration.ofMinutes(2), () -> {
                for (ExpectedFeatures.Row r : newestAtFlush.values()) {
                    if (!Long.toString(r.windowEnd).equals(jedis.hget(key("matrun", r.wafer), "window_end"))) {
                        return false;
                    }
                }
                return committedWindows(offline).equals(finalAtFlush.keySet());
            });

            jedis.flushAll();
            try (RowMonitor monitor = RowMonitor.start(SERVICES, "matrun:wafer_aggregates:v1:")) {
                long start = System.currentTimeMillis();
                assertThat(materialize("matrun"))
                        .containsPattern("rows read +" + finalAtFlush.size() + " ")
                        .containsPattern("written +6 ")
                        .containsPattern("kept +0 ");
                for (ExpectedFeatures.Row want : newestAtFlush.values()) {
                    assertMaterialized(jedis, "matrun", want, config, start);
                }

                SERVICES.produce(
                        "matrun-in", TestDie.payloads(rest), i -> rest.get(i).waferNumber() % 2);
                FeaturesJobRun.awaitRecordsIn(job, dies.size());
                FeaturesJobRun.drain(job, tmp.resolve("end"));

                monitor.stop();
                assertThat(monitor.regressions())
                        .as("rows that went back or vanished")
                        .isEmpty();
                assertThat(monitor.sweeps()).as("the monitor looked").isGreaterThan(10);
                assertThat(monitor.keysSeen())
                        .as("the monitor saw every wafer's row")
                        .hasSize(expected.newestPerWafer().size());
            }

            for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                FeaturesJobRun.assertOnlineEqualsModel(
                        PackedFeatures.flatten(jedis.hgetAll(key("matrun", want.wafer))), want, "end " + want.wafer);
            }
            FeaturesJobRun.assertRowsEqualModel(
                    ParquetFiles.rowsByWindow(offline, "wafer_id"), expected.rows, "offline rows");
            assertThat(materialize("matrun"))
                    .as("after the drain Redis holds every wafer's newest final row")
                    .containsPattern("written +0 ")
                    .containsPattern("kept +" + expected.newestPerWafer().size() + " ");
        }
    }

    /** The (wafer, window) keys committed under {@code dir}; a listing that meets a file being committed is retried. */
    private static Set<String> committedWindows(Path dir) {
        while (true) {
            try {
                return ParquetFiles.rowsByWindow(dir, "wafer_id").keySet();
            } catch (UncheckedIOException fileCommittedMeanwhile) {
                // the sink renamed an in-progress file between the listing and its read
            }
        }
    }

    private static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
