package io.waferflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.BuildSettings;
import io.waferflow.testing.DashboardMetricNames;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.StandaloneCluster;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 7 item 4: the shaded job jar on a real multi-process standalone cluster ({@code bin/flink-cluster}: a
 * JobManager and two TaskManagers, separate JVMs, Flink's own jars and {@code flink-conf/}), submitted with Flink's CLI
 * against real Kafka and Redis. A TaskManager is killed with {@code kill -9} mid-stream, the job recovers from its last
 * checkpoint, is stopped with a savepoint and resumed from it; the Parquet offline store then equals a failure-free
 * run's row for row, and Redis holds the same final values; both runs also equal the independent model
 * ({@link ExpectedFeatures}), offline and online. The Prometheus reporter is scraped once. Tagged so it can run alone:
 * {@code mvn test -Dgroups=cluster}.
 */
@Tag("cluster")
@Timeout(900)
class ClusterITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final Path JAR = BuildSettings.jobJar().toAbsolutePath();
    private static final String MAIN = BuildSettings.mainClass();
    private static final long T0 = Instant.parse("2026-11-27T09:00:00Z").toEpochMilli();
    private static final long BOUND = 5_000;
    private static final long LATENESS = 30_000;
    /** The cluster's job and the reference run alike. */
    private static final String[] SETTINGS = {
        "feature_group.watermark.emit=per_record", "drift.window=2 min", "drift.baseline.records=200"
    };

    @TempDir
    Path tmp;

    /** Eight wafers of 120 dies, two in flight at a time, then one die 10 minutes later that makes them all final. */
    private static List<TestDie> traffic() {
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(5)
                .lot("LC")
                .wafers(8, "WC%d")
                .dies(120, 12)
                .starts(T0, 60_000)
                .failRate(0.15)
                .failingIdd(90, 0)
                .temperature(25, 1)
                .testTime(100, 40)
                .build());
        dies.add(TestDie.nominal(dies.get(dies.size() - 1).time() + 600_000, "LC", "WCLOCK", 0, 0));
        return dies;
    }

    private String[] featuresJob(String... before) {
        List<String> settings = new ArrayList<>(SERVICES.settings(tmp.resolve("cluster"), "cluster", SETTINGS));
        settings.add("checkpointing.interval=2 s");
        List<String> args = new ArrayList<>(List.of(before));
        args.addAll(List.of("-c", MAIN, JAR.toString()));
        args.addAll(FeaturesJobRun.commandLine(Path.of("jobs/features.yaml").toAbsolutePath(), settings));
        return args.toArray(new String[0]);
    }

    @Test
    void failoverAndSavepointOnARealClusterLoseAndDuplicateNothing() throws Exception {
        assertThat(JAR).as("the shaded job jar (built before the tests)").exists();
        List<TestDie> dies = traffic();
        List<byte[]> payloads = TestDie.payloads(dies);
        int third = payloads.size() / 3;
        SERVICES.createTopics("cluster", 1); // one partition: lateness decided by input order alone

        try (StandaloneCluster cluster = StandaloneCluster.start(
                tmp.resolve("flink"),
                2,
                "execution.checkpointing.dir="
                        + tmp.resolve("flink-checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir="
                        + tmp.resolve("flink-savepoints").toUri(),
                "restart-strategy.exponential-delay.initial-backoff=1 s",
                "taskmanager.numberOfTaskSlots=1",
                // Notice the killed TaskManager in seconds rather than the production 50 s.
                "heartbeat.timeout=10000",
                "heartbeat.interval=2000",
                "taskmanager.memory.process.size=1200m",
                "jobmanager.memory.process.size=1000m")) {
            SERVICES.produce("cluster-in", payloads.subList(0, third));
            String job = cluster.submit(featuresJob());
            cluster.await(
                    Duration.ofMinutes(2),
                    "the job to run and checkpoint",
                    () -> cluster.jobState(job).equals("RUNNING") && cluster.completedCheckpoints(job) >= 2);
            cluster.await(Duration.ofMinutes(2), "the first features online", () -> redisKeys("cluster") > 0);

            // kill -9 a TaskManager mid-stream (one slot each: both run tasks), while the second third arrives in
            // small batches over ~8 s, so records after the last checkpoint are in flight and are replayed; a
            // supervisor starts it again, and the job recovers from its last checkpoint.
            List<byte[]> second = payloads.subList(third, 2 * third);
            Thread producer = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < second.size(); i += 20) {
                                SERVICES.produce("cluster-in", second.subList(i, Math.min(second.size(), i + 20)));
                                Thread.sleep(500);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "throttled-producer");
            producer.start();
            Thread.sleep(3_000);
            cluster.killTaskManager(1);
            producer.join();
            cluster.startTaskManager(1);
            cluster.await(
                    Duration.ofMinutes(3),
                    "the job to restore from a checkpoint and run again",
                    () -> cluster.restoredFrom(job) != null
                            && cluster.jobState(job).equals("RUNNING"));
            long afterRestore = cluster.completedCheckpoints(job);
            cluster.await(
                    Duration.ofMinutes(2),
                    "checkpoints after the restore",
                    () -> cluster.completedCheckpoints(job) >= afterRestore + 2);

            // Stop with a savepoint, let more data arrive while it is down, resume from the savepoint.
            String savepoint = cluster.stopWithSavepoint(job, tmp.resolve("savepoints"));
            SERVICES.produce("cluster-in", payloads.subList(2 * third, payloads.size()));
            String resumed = cluster.submit(featuresJob("-s", savepoint));
            cluster.await(
                    Duration.ofMinutes(2),
                    "the resumed job to run",
                    () -> cluster.jobState(resumed).equals("RUNNING"));

            // The reference: the same input through the same graph, bounded, no failure, in this JVM.
            FeaturesJobConfig reference = SERVICES.config("cluster", "reference", tmp.resolve("reference"), SETTINGS);
            FeaturesJobRun.execute(reference, "cluster-reference");
            long watermark = dies.get(dies.size() - 1).time() - BOUND - 1;
            Map<String, Map<String, Object>> expected = rows(tmp.resolve("reference/data"));
            expected.values().removeIf(r -> (Long) r.get("window_end") - 1 + LATENESS > watermark);
            assertThat(expected).hasSizeGreaterThanOrEqualTo(16);
            // The reference is the same code: it must also equal the independent model (one partition, in order).
            ExpectedFeatures model = ExpectedFeatures.compute(dies, 60_000, LATENESS, BOUND);
            Map<String, ExpectedFeatures.Row> modelFinal = new TreeMap<>(model.rows);
            modelFinal.values().removeIf(r -> r.windowEnd - 1 + LATENESS > watermark);
            FeaturesJobRun.assertRowsEqualModel(expected, modelFinal, "reference run");

            cluster.await(
                    Duration.ofMinutes(3),
                    "every final window in the cluster's offline store",
                    () -> rowsQuietly(tmp.resolve("cluster/data")).keySet().containsAll(expected.keySet()));
            Map<String, Map<String, Object>> written = rows(tmp.resolve("cluster/data"));
            written.values().removeIf(r -> (Long) r.get("window_end") - 1 + LATENESS > watermark);
            assertThat(written).isEqualTo(expected);
            FeaturesJobRun.assertRowsEqualModel(written, modelFinal, "cluster run");

            try (Jedis jedis = SERVICES.jedis()) {
                for (int w = 0; w < 8; w++) {
                    Map<String, String> want = new TreeMap<>(
                            PackedFeatures.flatten(jedis.hgetAll("reference:wafer_aggregates:v1:WC" + w)));
                    Map<String, String> got =
                            new TreeMap<>(PackedFeatures.flatten(jedis.hgetAll("cluster:wafer_aggregates:v1:WC" + w)));
                    want.remove("updated_at");
                    got.remove("updated_at");
                    assertThat(got).as("WC" + w).isNotEmpty().isEqualTo(want);
                    FeaturesJobRun.assertOnlineEqualsModel(
                            got, model.newestPerWafer().get("WC" + w), "cluster online WC" + w);
                }
            }

            String metrics = cluster.scrapePrometheus();
            Files.writeString(cluster.logs().resolve("prometheus.txt"), metrics); // kept with the logs
            // Every name the Grafana dashboard queries is really exported.
            for (String name : DashboardMetricNames.load()) {
                assertThat(metrics).as("Prometheus exposes " + name).containsPattern("(?m)^" + name + "[{ ]");
            }
            assertThat(metrics)
                    .as("one drift verdict series per parameter")
                    .contains("feature_drift_verdict{feature=\"vdd\"", "feature_drift_verdict{feature=\"temperature\"");
            System.out.printf(
                    "ClusterITCase: %d rows equal after kill -9 and stop/resume; %d metric lines scraped%n",
                    written.size(),
                    metrics.lines().filter(l -> l.startsWith("flink_")).count());
            cluster.flink("cancel", resumed);

            monitorOnTheCluster(cluster);
        }
    }

    /**
     * The monitor job from the same jar ({@code flink run ... monitor}): one minute of a model's predictions and their
     * actuals gives the window's accuracy in Redis (counted here), and its gauges reach Prometheus.
     */
    private void monitorOnTheCluster(StandaloneCluster cluster) throws Exception {
        SERVICES.kafka().createTopic("cluster-predictions", 1);
        SERVICES.kafka().createTopic("cluster-actuals", 1);
        List<byte[]> predictions = new ArrayList<>();
        List<byte[]> actuals = new ArrayList<>();
        int right = 0;
        for (int i = 0; i <= 40; i++) {
            // 40 predictions in the window [T0, T0 + 1 min); the 41st, 3 minutes on, moves the watermark past its end.
            long t = i < 40 ? T0 + i * 1_000L : T0 + 180_000;
            String predicted = i % 4 == 0 ? "low" : "high";
            String actual = i % 5 == 0 ? "low" : "high";
            right += i < 40 && predicted.equals(actual) ? 1 : 0;
            String id = "\"prediction_id\":\"m" + i + "\"";
            predictions.add(("{" + id + ",\"model\":\"yield_class\",\"model_version\":\"1\",\"entity\":\"WC" + i
                            + "\",\"event_time\":" + t + ",\"prediction\":\"" + predicted + "\",\"score\":0.9,"
                            + "\"features\":{\"vdd_mean\":1.2}}")
                    .getBytes(StandardCharsets.UTF_8));
            actuals.add(("{" + id + ",\"actual\":\"" + actual + "\",\"event_time\":" + (t + 500) + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        SERVICES.produce("cluster-predictions", predictions);
        SERVICES.produce("cluster-actuals", actuals);

        List<String> settings = new ArrayList<>(SERVICES.settings(tmp.resolve("cluster"), "cluster", SETTINGS));
        settings.addAll(List.of(
                "checkpointing.interval=2 s",
                "monitor.predictions_topic=cluster-predictions",
                "monitor.actuals_topic=cluster-actuals",
                "monitor.group_id=cluster-monitor",
                "monitor.retrain_topic=",
                "monitor.window=1 min",
                "monitor.out_of_orderness=1 s",
                "monitor.label_max_delay=1 h"));
        List<String> args = new ArrayList<>(List.of("-c", MAIN, JAR.toString()));
        args.addAll(FeaturesJobRun.commandLine(Path.of("jobs/features.yaml").toAbsolutePath(), settings));
        args.set(3, "monitor"); // the same command line, the other job
        String monitor = cluster.submit(args.toArray(new String[0]));
        double expected = right / 40.0;
        cluster.await(Duration.ofMinutes(2), "the monitor's first window in Redis", () -> {
            try (Jedis jedis = SERVICES.jedis()) {
                Map<String, String> m = jedis.hgetAll("cluster:model:yield_class:1");
                return String.valueOf(T0 + 60_000).equals(m.get("window_end"))
                        && "40".equals(m.get("labeled"))
                        && Double.parseDouble(m.get("accuracy")) == expected;
            }
        });
        String metrics = cluster.scrapePrometheus();
        for (String name : DashboardMetricNames.monitor()) {
            assertThat(metrics).as("Prometheus exposes " + name).containsPattern("(?m)^" + name + "[{ ]");
        }
        cluster.flink("cancel", monitor);
    }

    private static long redisKeys(String prefix) {
        try (Jedis jedis = SERVICES.jedis()) {
            return jedis.keys(prefix + ":wafer_aggregates:v1:*").size();
        }
    }

    /** Every committed feature row under an offline root, by {@code <wafer>@<window_start>}. */
    private static Map<String, Map<String, Object>> rows(Path root) {
        return ParquetFiles.rowsByWindow(root.resolve("wafer_aggregates/version=v1"), "wafer_id");
    }

    /**
     * The same while files are still being committed: an I/O error (an in-progress file renamed or removed while the
     * folder is listed) means "look again". A second row for a window is no such race: it fails at once rather than
     * being waited out into a timeout.
     */
    private static Map<String, Map<String, Object>> rowsQuietly(Path root) {
        try {
            return rows(root);
        } catch (java.io.UncheckedIOException e) {
            return Map.of();
        }
    }
}
