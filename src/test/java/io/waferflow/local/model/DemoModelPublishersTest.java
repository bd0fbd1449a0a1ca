package io.waferflow.local.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.serving.FeatureClient;
import io.waferflow.serving.FeatureServer;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.LocalServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The demo's publishers against a real broker, a real redis-server and a real feature server: predictions read the
 * served row of the window that became final, actuals come after their delay, both keyed by the same prediction id.
 */
class DemoModelPublishersTest {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long E = Instant.parse("2026-11-27T01:00:00Z").toEpochMilli();
    private static final long FIVE_MIN = 300_000;

    @TempDir
    Path dir;

    private FeaturesJobConfig config(String name) throws Exception {
        SERVICES.kafka().createTopic(name + "-predictions", 1);
        SERVICES.kafka().createTopic(name + "-actuals", 1);
        return SERVICES.config(
                dir,
                name,
                "serving.port=0",
                "monitor.predictions_topic=" + name + "-predictions",
                "monitor.actuals_topic=" + name + "-actuals");
    }

    /** A model over the four inputs, trained on windows that ended by {@code through}. */
    private static YieldModel model(long through) {
        Random random = new Random(5);
        double[][] raw = new double[200][];
        double[] yield = new double[200];
        for (int i = 0; i < raw.length; i++) {
            double failShare = 0.05 + 0.1 * random.nextDouble();
            raw[i] = new double[] {
                1.2 + 0.001 * random.nextGaussian(),
                50 + 30 * failShare + 0.3 * random.nextGaussian(),
                2000 - 150 * failShare + 4 * random.nextGaussian(),
                120 - 60 * failShare + 0.5 * random.nextGaussian()
            };
            yield[i] = 100 * (1 - failShare);
        }
        return YieldModel.fit("yield_class", "1", YieldModelTraining.INPUTS, raw, yield, 90, 0.1, through);
    }

    private static void writeRow(
            FeaturesJobConfig c, String wafer, long windowEnd, double[] inputs, double flaggedPct) {
        List<String> features = new ArrayList<>(YieldModelTraining.INPUTS);
        features.add("dq_devices_flagged_pct");
        String[] values = new String[features.size()];
        for (int j = 0; j < inputs.length; j++) {
            values[j] = Double.toString(inputs[j]);
        }
        values[inputs.length] = Double.toString(flaggedPct);
        Map<String, String> row = new HashMap<>();
        row.put(OnlineKeys.FEATURES, PackedFeatures.pack(PackedFeatures.openings(features), values));
        row.put(OnlineKeys.LOT_ID, "L1");
        row.put(OnlineKeys.WINDOW_START, Long.toString(windowEnd - FIVE_MIN));
        row.put(OnlineKeys.WINDOW_END, Long.toString(windowEnd));
        row.put(OnlineKeys.REVISION, "0");
        row.put(OnlineKeys.FEATURE_VERSION, c.featureVersion());
        row.put(OnlineKeys.JOB_VERSION, "test");
        row.put(OnlineKeys.UPDATED_AT, "0");
        try (Jedis jedis = SERVICES.jedis()) {
            jedis.hset(OnlineKeys.key(c.redisKeyPrefix(), c.featureGroup(), c.featureVersion(), wafer), row);
        }
    }

    /** A publisher asking {@code server}; a wafer window with more than 10 % of its devices flagged is rejected. */
    private static PredictionPublisher publisher(
            FeaturesJobConfig c, FeatureServer server, TopicSender topic, Duration patience) {
        return new PredictionPublisher(
                new FeatureClient(URI.create(server.url()), null),
                c.featureGroup(),
                c.featureVersion(),
                10.0,
                topic,
                patience,
                m -> {});
    }

    private static WaferWindowOutcome window(String wafer, long end) {
        return new WaferWindowOutcome("L1", wafer, end - FIVE_MIN, end, 700, 650);
    }

    private static List<JsonNode> read(String topic, List<String> keys) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted(topic)) {
            keys.add(new String(r.key(), StandardCharsets.UTF_8));
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    @Test
    void predictsEachFinalWindowFromItsServedRow() throws Exception {
        FeaturesJobConfig c = config("predictions");
        YieldModel model = model(E - FIVE_MIN);
        double[] good = {1.2004, 51.5, 1992.0, 117.0};
        double[] bad = {1.1990, 53.9, 1981.0, 112.2};
        writeRow(c, "A", E, good, 0.0); // the window's row: predicted
        writeRow(c, "B", E + FIVE_MIN, good, 0.0); // the wafer's next window already: overwritten
        writeRow(c, "C", E, good, 50.0); // rejected wafer window: not scored
        writeRow(c, "G", E - FIVE_MIN, good, 0.0); // its previous window: not yet

        try (FeatureServer server = FeatureServer.start(c);
                TopicSender topic = new TopicSender(
                        c.kafkaClient().clientProperties(), c.monitor().predictionsTopic())) {
            PredictionPublisher p = publisher(c, server, topic, Duration.ofHours(1));
            p.use(model);
            p.finished(
                    List.of(window("F", E - FIVE_MIN), window("A", E), window("B", E), window("C", E), window("G", E)));

            assertThat(p.round()).as("G still waits").isFalse();
            writeRow(c, "G", E, bad, 0.0); // the job wrote G's window
            assertThat(p.round()).isTrue();
            topic.flush();

            assertThat(p.summary())
                    .startsWith("2 published")
                    .contains("1 in the training period", "1 rejected", "1 overwritten", "0 never served");
            List<String> keys = new ArrayList<>();
            List<JsonNode> predictions = read(c.monitor().predictionsTopic(), keys);
            assertThat(keys).containsExactly("yield_class/1/A/" + E, "yield_class/1/G/" + E);
            for (int i = 0; i < 2; i++) {
                JsonNode j = predictions.get(i);
                double[] x = i == 0 ? good : bad;
                YieldModel.Scored expected = model.predict(x);
                assertThat(j.get("prediction_id").asText()).isEqualTo(keys.get(i));
                assertThat(j.get("model").asText()).isEqualTo("yield_class");
                assertThat(j.get("model_version").asText()).isEqualTo("1");
                assertThat(j.get("entity").asText()).isEqualTo(i == 0 ? "A" : "G");
                assertThat(Instant.parse(j.get("event_time").asText()).toEpochMilli())
                        .isEqualTo(E);
                assertThat(j.get("prediction").asText()).isEqualTo(expected.yieldClass());
                assertThat(j.get("score").asDouble()).isEqualTo(expected.score());
                for (int f = 0; f < x.length; f++) {
                    assertThat(j.get("features")
                                    .get(YieldModelTraining.INPUTS.get(f))
                                    .asDouble())
                            .isEqualTo(x[f]);
                }
            }
            assertThat(predictions.get(0).get("prediction").asText())
                    .isNotEqualTo(predictions.get(1).get("prediction").asText());
        }
    }

    @Test
    void aWindowNeverServedIsGivenUpAfterThePatience() throws Exception {
        FeaturesJobConfig c = config("unserved");
        try (FeatureServer server = FeatureServer.start(c);
                TopicSender topic = new TopicSender(
                        c.kafkaClient().clientProperties(), c.monitor().predictionsTopic())) {
            PredictionPublisher p = publisher(c, server, topic, Duration.ZERO);
            p.use(model(E - FIVE_MIN));
            p.finished(List.of(window("D", E)));
            assertThat(p.round()).isTrue();
            assertThat(p.summary()).startsWith("0 published").contains("1 never served");
        }
    }

    @Test
    void actualsComeAfterTheirDelayKeyedLikeThePredictions() throws Exception {
        FeaturesJobConfig c = config("actuals");
        try (TopicSender topic =
                new TopicSender(c.kafkaClient().clientProperties(), c.monitor().actualsTopic())) {
            ActualPublisher a = new ActualPublisher(topic, FIVE_MIN, 90);
            a.finished(List.of(
                    new WaferWindowOutcome("L1", "X", E - FIVE_MIN, E, 100, 95), // 95 %: high
                    new WaferWindowOutcome("L1", "Y", E, E + FIVE_MIN, 100, 89))); // 89 %: low
            assertThat(a.publishDue(E + FIVE_MIN - 1)).isZero();
            assertThat(a.publishDue(E + FIVE_MIN)).isEqualTo(1);
            a.publishAll();

            List<String> keys = new ArrayList<>();
            List<JsonNode> actuals = read(c.monitor().actualsTopic(), keys);
            assertThat(keys).containsExactly("yield_class/1/X/" + E, "yield_class/1/Y/" + (E + FIVE_MIN));
            assertThat(actuals.get(0).get("prediction_id").asText()).isEqualTo(keys.get(0));
            assertThat(actuals.get(0).get("actual").asText()).isEqualTo("high");
            assertThat(Instant.parse(actuals.get(0).get("event_time").asText()))
                    .isEqualTo(Instant.ofEpochMilli(E + FIVE_MIN));
            assertThat(actuals.get(1).get("actual").asText()).isEqualTo("low");
            assertThat(Instant.parse(actuals.get(1).get("event_time").asText()))
                    .isEqualTo(Instant.ofEpochMilli(E + 2 * FIVE_MIN));
        }
    }

    @Test
    void accuracyOverTimeKeepsEachWindowsNewestRevision() throws Exception {
        FeaturesJobConfig c = config("history");
        ModelAccuracyHistory h = new ModelAccuracyHistory(c.redisConnection(), c.redisKeyPrefix(), "yield_class", "1");
        String key = c.redisKeyPrefix() + ":model:yield_class:1";
        try (Jedis jedis = SERVICES.jedis()) {
            jedis.hset(key, metrics(E, 0, 60, 10, "0.9"));
            h.poll();
            jedis.hset(key, metrics(E, 1, 60, 58, "0.9310344827586207"));
            h.poll();
            jedis.hset(key, metrics(E + 900_000, 0, 61, 0, ""));
            h.poll();
            jedis.hset(key, metrics(E, 0, 60, 10, "0.9")); // an older revision, seen late: ignored
            h.poll();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[2].trim().split("\\s+"))
                .containsExactly(Instant.ofEpochMilli(E + 900_000).toString(), "60", "58", "0.931", "-");
        assertThat(lines[3].trim().split("\\s+"))
                .containsExactly(Instant.ofEpochMilli(E + 1_800_000).toString(), "61", "0", "-", "-");
    }

    private static Map<String, String> metrics(long start, int revision, long predictions, long labeled, String acc) {
        return Map.of(
                "model", "yield_class",
                "model_version", "1",
                "task", "classification",
                "window_start", Long.toString(start),
                "window_end", Long.toString(start + 900_000),
                "revision", Integer.toString(revision),
                "predictions", Long.toString(predictions),
                "labeled", Long.toString(labeled),
                "accuracy", acc);
    }
}
