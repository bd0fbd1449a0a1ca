package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.MonitorInput;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.Violation;
import io.waferflow.monitor.PredictionJoin;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.ResultSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The production {@code monitor} graph on a MiniCluster (parallelism 2) against a real Kafka broker and redis-server: a
 * classification and a regression model's predictions over three 1-minute windows, their actuals (most a few seconds
 * after, some never; read concurrently from another topic, so some reach the join before their prediction; every fifth
 * one minutes late, sent only after the first windows were emitted, so they must bring revisions), and bad records in
 * both topics; then the job is drained. The last revision of each window in Parquet, and the newest window in Redis,
 * must equal metrics computed here from the same input in plain Java; every bad record must be a violation.
 */
@Timeout(180)
class MonitorJobITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-12-04T04:00:00Z").toEpochMilli();
    private static final String[] CLASSES = {"high", "low", "mid"};

    @TempDir
    Path tmp;

    /** One generated prediction and its actual (null: never labeled). */
    private record Case(String id, String model, String version, long time, Object predicted, Object actual) {

        String modelKey() {
            return model + "/" + version;
        }

        long windowStart() {
            return Math.floorDiv(time, MINUTE) * MINUTE;
        }

        String predictionJson() {
            return "{\"prediction_id\":\"" + id + "\",\"model\":\"" + model + "\",\"model_version\":\"" + version
                    + "\",\"entity\":\"W-" + id + "\",\"event_time\":\"" + Instant.ofEpochMilli(time)
                    + "\",\"prediction\":"
                    + json(predicted) + ",\"features\":{\"vdd_mean\":1.2,\"idd_mean\":null}}";
        }

        String actualJson(long at) {
            return "{\"prediction_id\":\"" + id + "\",\"actual\":" + json(actual) + ",\"event_time\":" + at + "}";
        }

        private static String json(Object v) {
            return v instanceof String s ? "\"" + s + "\"" : v.toString();
        }
    }

    @Test
    void metricsInParquetAndRedisEqualAnIndependentComputation() throws Exception {
        String name = "monitor-it";
        SERVICES.kafka().createTopic(name + "-predictions", 2);
        SERVICES.kafka().createTopic(name + "-actuals", 2);
        SERVICES.kafka().createTopic(name + "-violations", 1);
        FeaturesJobConfig config = SERVICES.config(
                tmp,
                name,
                "monitor.predictions_topic=" + name + "-predictions",
                "monitor.actuals_topic=" + name + "-actuals",
                "monitor.group_id=" + name,
                "monitor.retrain_topic=",
                "monitor.window=1 min",
                "monitor.out_of_orderness=5 s",
                "monitor.label_max_delay=1 h",
                "monitor.update_interval=200 ms");

        Random random = new Random(15);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            long t = T0 + i * 1_500L;
            String predicted = CLASSES[random.nextInt(3)];
            String truth = random.nextDouble() < 0.75 ? predicted : CLASSES[random.nextInt(3)];
            cases.add(new Case("c" + i, "yield_class", "1", t, predicted, i % 6 == 5 ? null : truth));
        }
        for (int i = 0; i < 60; i++) {
            long t = T0 + i * 3_000L + 700;
            double value = Math.round(random.nextDouble() * 1000) / 1000.0;
            double truth = i % 10 == 3 ? 0.0 : Math.round((value + random.nextGaussian() * 0.1) * 1000) / 1000.0;
            cases.add(new Case("r" + i, "yield_pct", "2", t, value, i % 7 == 6 ? null : truth));
        }

        List<byte[]> predictions = new ArrayList<>();
        List<long[]> actualOrder = new ArrayList<>(); // {case index, actual event time}
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            predictions.add(bytes(c.predictionJson()));
            if (c.actual() != null) {
                // Most labels come 2 s later; every 5th is 3 to 4 minutes late, after its window was emitted.
                long lag = i % 5 == 0 ? 3 * MINUTE + (i % 60) * 1_000L : 2_000;
                actualOrder.add(new long[] {i, c.time() + lag});
            }
        }
        // Bad input: not JSON, a missing id, a duplicate prediction (a second one for c7), a non-finite actual, an
        // actual whose prediction never comes.
        predictions.add(40, bytes("{\"prediction_id\": \"c-broken\", \"model\": "));
        predictions.add(
                80,
                bytes("{\"model\":\"yield_class\",\"model_version\":\"1\",\"entity\":\"W\"," + "\"event_time\":" + T0
                        + ",\"prediction\":\"low\"}"));
        // On c7's partition (odd indexes), after it, so the first one stays whatever the readers' timing.
        predictions.add(101, bytes(cases.get(7).predictionJson().replace("\"prediction\":\"", "\"prediction\":\"x")));
        actualOrder.sort((a, b) -> Long.compare(a[1], b[1]));
        List<byte[]> actuals = new ArrayList<>();
        List<byte[]> lateActuals = new ArrayList<>();
        for (long[] a : actualOrder) {
            Case c = cases.get((int) a[0]);
            (a[1] - c.time() > 2_000 ? lateActuals : actuals).add(bytes(c.actualJson(a[1])));
        }
        actuals.add(10, bytes("{\"prediction_id\":\"r1\",\"actual\":1e999,\"event_time\":" + T0 + "}"));
        actuals.add(20, bytes("{\"prediction_id\":\"nobody\",\"actual\":\"low\",\"event_time\":" + (T0 + 9_000) + "}"));
        // Each topic in event-time order per partition (by prediction id's hash, as a keyed producer would).
        SERVICES.produce(name + "-predictions", predictions, i -> i % 2);
        SERVICES.produce(name + "-actuals", actuals, i -> i % 2);

        ResultSink<ModelMetrics> metricsOut = new ResultSink<>("metrics");
        ResultSink<Violation> violationsOut = new ResultSink<>("violations");
        ResultSink<LabeledPrediction> labeledOut = new ResultSink<>("labeled");
        MonitorJobSinks sinks = MonitorJobSinks.production(config)
                .alsoTo(MonitorOutput.METRICS, metricsOut)
                .alsoTo(MonitorOutput.VIOLATIONS, violationsOut)
                .with(MonitorOutput.LABELED, labeledOut);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FeaturesJobRun.flinkConfiguration(config));
        env.setParallelism(2);
        new MonitorJob(config, MonitorInput.predictions(config), MonitorInput.actuals(config), sinks).build(env);
        long started = System.nanoTime();
        JobClient job = env.executeAsync(name);
        // The late actuals are sent once the first two windows were emitted (revision 0 of the second one is in
        // Redis): they must bring revisions, whatever the readers' timing.
        awaitRedis(name + ":model:yield_class:1", "window_start", Long.toString(T0 + MINUTE));
        SERVICES.produce(name + "-actuals", lateActuals, i -> i % 2);
        long labeledCases = cases.stream().filter(c -> c.actual() != null).count();
        awaitCounter(job, PipelineCounter.PREDICTIONS_LABELED, labeledCases);
        // Draining: the final watermark closes every window and timer; files and transactions commit.
        JobExecutionResult result = FeaturesJobRun.drain(job, tmp.resolve("savepoints"));
        System.out.printf("MonitorJobITCase: job ran %.1f s%n", (System.nanoTime() - started) / 1e9);

        // Expected, in plain Java: per model version and window, the labeled (predicted, actual) pairs.
        Map<String, List<Case>> byWindow = new TreeMap<>();
        for (Case c : cases) {
            byWindow.computeIfAbsent(c.modelKey() + "@" + c.windowStart(), k -> new ArrayList<>())
                    .add(c);
        }
        Map<String, GenericRecord> last = lastRevisions(tmp.resolve("data").resolve(OfflineSinks.MODEL_METRICS));
        assertThat(last.keySet()).isEqualTo(byWindow.keySet());
        byWindow.forEach((key, window) -> assertWindow(key, window, last.get(key)));

        // Every revision of a window written once, numbered from 0 without a gap.
        Map<String, List<Integer>> revisions = new HashMap<>();
        for (ModelMetrics m : metricsOut.from(result)) {
            revisions
                    .computeIfAbsent(m.modelKey() + "@" + m.windowStart, k -> new ArrayList<>())
                    .add(m.revision);
        }
        System.out.printf(
                "MonitorJobITCase: %d windows, %d emissions (late actuals' revisions included)%n",
                revisions.size(), metricsOut.from(result).size());
        revisions.forEach((key, r) -> {
            Collections.sort(r);
            assertThat(r)
                    .as(key)
                    .isEqualTo(java.util.stream.IntStream.range(0, r.size())
                            .boxed()
                            .toList());
        });
        for (long w : new long[] {T0, T0 + MINUTE}) {
            assertThat(revisions.get("yield_class/1@" + w))
                    .as("late actuals revised window %d", w)
                    .hasSizeGreaterThan(1);
        }
        assertThat(ParquetFiles.read(tmp.resolve("data").resolve(OfflineSinks.MODEL_METRICS)))
                .as("Parquet has every emission")
                .hasSize(metricsOut.from(result).size());

        // Redis: the newest window of each model version, at its last revision.
        try (Jedis jedis = SERVICES.jedis()) {
            for (String model : List.of("yield_class:1", "yield_pct:2")) {
                Map<String, String> hash = jedis.hgetAll(name + ":model:" + model);
                String modelKey = model.replace(':', '/');
                String newest = byWindow.keySet().stream()
                        .filter(k -> k.startsWith(modelKey + "@"))
                        .reduce((a, b) -> b)
                        .orElseThrow();
                GenericRecord row = last.get(newest);
                assertThat(hash.get("window_start"))
                        .as(model)
                        .isEqualTo(row.get("window_start").toString());
                assertThat(hash.get("revision"))
                        .as(model)
                        .isEqualTo(row.get("revision").toString());
                assertThat(hash.get("predictions"))
                        .isEqualTo(row.get("predictions").toString());
                assertThat(hash.get("labeled")).isEqualTo(row.get("labeled").toString());
                for (String f : List.of("accuracy", "mae", "rmse", "mape", "bias", "label_coverage")) {
                    double v = (Double) row.get(f);
                    assertThat(hash.get(f)).as(model + " " + f).isEqualTo(Double.isNaN(v) ? "" : Double.toString(v));
                }
                assertThat(hash.get("model_version")).isEqualTo(model.substring(model.indexOf(':') + 1));
                assertThat(hash.get("task")).isNotEmpty();
            }
        }

        // Violations: each bad record once, in the quarantine and the collected stream.
        List<Violation> violations = violationsOut.from(result);
        assertThat(violations)
                .extracting(v -> v.rule)
                .containsExactlyInAnyOrder(
                        Violation.RULE_UNPARSEABLE,
                        Violation.RULE_REQUIRED,
                        Violation.RULE_DUPLICATE,
                        Violation.RULE_NON_FINITE,
                        Violation.RULE_ORPHAN);
        assertThat(violations).allSatisfy(v -> assertThat(v.quarantined).isTrue());
        assertThat(ParquetFiles.read(tmp.resolve("data").resolve(OfflineSinks.MONITOR_QUARANTINE)))
                .hasSize(5);
        assertThat(SERVICES.readCommitted(name + "-violations")).hasSize(5);

        long unlabeled = cases.stream().filter(c -> c.actual() == null).count();
        assertThat(counter(result, "predictions_" + PipelineCounter.RECORDS_IN)
                        + counter(result, "actuals_" + PipelineCounter.RECORDS_IN))
                .isEqualTo(predictions.size() + actuals.size() + lateActuals.size());
        assertThat(counter(result, "predictions_" + PipelineCounter.RECORDS_QUARANTINED)
                        + counter(result, "actuals_" + PipelineCounter.RECORDS_QUARANTINED)
                        + counter(result, PredictionJoin.JOIN_PREFIX + PipelineCounter.RECORDS_QUARANTINED))
                .isEqualTo(5);
        assertThat(counter(result, PipelineCounter.PREDICTIONS_LABELED)).isEqualTo(cases.size() - unlabeled);
        assertThat(counter(result, PipelineCounter.PREDICTIONS_UNLABELED)).isEqualTo(unlabeled);
        assertThat(counter(result, PipelineCounter.ACTUALS_ORPHANED)).isEqualTo(1);
        assertThat(labeledOut.from(result)).hasSize(2 * cases.size() - (int) unlabeled);
    }

    private static void assertWindow(String key, List<Case> window, GenericRecord row) {
        List<Case> labeled = window.stream().filter(c -> c.actual() != null).toList();
        assertThat((Long) row.get("predictions")).as(key).isEqualTo(window.size());
        assertThat((Long) row.get("labeled")).as(key).isEqualTo(labeled.size());
        assertThat((Double) row.get("label_coverage"))
                .as(key)
                .isCloseTo((double) labeled.size() / window.size(), within(1e-12));
        if (key.startsWith("yield_class")) {
            long correct = labeled.stream()
                    .filter(c -> c.predicted().equals(c.actual()))
                    .count();
            assertThat((Double) row.get("accuracy"))
                    .as(key)
                    .isCloseTo((double) correct / labeled.size(), within(1e-12));
            List<?> confusion = (List<?>) row.get("confusion");
            List<String> classes = ((List<?>) row.get("classes"))
                    .stream().map(Object::toString).toList();
            assertThat(classes).as(key).containsExactly(CLASSES);
            for (int a = 0; a < 3; a++) {
                for (int p = 0; p < 3; p++) {
                    String actual = CLASSES[a];
                    String predicted = CLASSES[p];
                    long n = labeled.stream()
                            .filter(c ->
                                    c.actual().equals(actual) && c.predicted().equals(predicted))
                            .count();
                    assertThat((Long) confusion.get(a * 3 + p))
                            .as(key + " " + actual + "/" + predicted)
                            .isEqualTo(n);
                }
            }
            assertThat((Double) row.get("mae")).isNaN();
        } else {
            double abs = 0;
            double sq = 0;
            double sum = 0;
            double pct = 0;
            int nonZero = 0;
            for (Case c : labeled) {
                double e = (Double) c.predicted() - (Double) c.actual();
                abs += Math.abs(e);
                sq += e * e;
                sum += e;
                if ((Double) c.actual() != 0) {
                    pct += Math.abs(e) / Math.abs((Double) c.actual());
                    nonZero++;
                }
            }
            int n = labeled.size();
            assertThat((Double) row.get("mae")).as(key).isCloseTo(abs / n, within(1e-9));
            assertThat((Double) row.get("rmse")).as(key).isCloseTo(Math.sqrt(sq / n), within(1e-9));
            assertThat((Double) row.get("bias")).as(key).isCloseTo(sum / n, within(1e-9));
            assertThat((Double) row.get("mape")).as(key).isCloseTo(100 * pct / nonZero, within(1e-9));
            assertThat((Double) row.get("accuracy")).isNaN();
        }
    }

    /** Each window's row of the highest revision, by {@code model/version@window_start}. */
    private static Map<String, GenericRecord> lastRevisions(Path dir) {
        Map<String, GenericRecord> last = new TreeMap<>();
        for (GenericRecord r : ParquetFiles.read(dir)) {
            String key = r.get("model") + "/" + r.get("model_version") + "@" + r.get("window_start");
            GenericRecord before = last.get(key);
            if (before == null || (Integer) before.get("revision") < (Integer) r.get("revision")) {
                last.put(key, r);
            }
        }
        return last;
    }

    private static void awaitRedis(String key, String field, String value) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (Jedis jedis = SERVICES.jedis()) {
            while (!value.equals(jedis.hget(key, field))) {
                assertThat(System.nanoTime())
                        .as("%s %s = %s within 60 s", key, field, value)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static void awaitCounter(JobClient job, String name, long expected) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Object v = job.getAccumulators().get().get(name);
            if (v != null && ((Number) v).longValue() >= expected) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("%s reaches %d within 60 s (now %s)", name, expected, v)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long counter(JobExecutionResult result, String name) {
        Object v = result.getAllAccumulatorResults().get(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
