package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.serving.FeatureClient.EntityFeatures;
import io.waferflow.stores.online.ServingVersions;
import io.waferflow.testing.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/** {@code waferflow serve} over real HTTP on loopback and a real redis-server, cache off. */
class FeatureServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static RedisServerProcess redis;
    private static ServingFixture s;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start(dir.resolve("redis"));
        s = new ServingFixture(redis, "serving.version_refresh=50 ms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        redis.close();
    }

    @Test
    void everyStatusAsStored() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> present = s.writeRow("v1", "status-present", 1, now - 60_000);
        s.writeRow("v1", "status-null", 2, now - 60_000);
        s.nullFeature("v1", "status-null", "vdd_std"); // how the job stores a null feature
        Map<String, String> old = s.writeRow("v1", "status-stale", 3, now - 3_600_000);

        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(
                                ServingFixture.GROUP,
                                List.of("status-present", "status-null", "status-missing", "status-stale"))
                        .withVersion("v1")
                        .withFeatures(List.of("yield_pct", "vdd_std", "device_count"))
                        .withMaxAge("10 min"));

        EntityFeatures p = a.results().get(0);
        assertThat(p.statuses())
                .containsOnly(
                        Map.entry("yield_pct", FeatureStatus.PRESENT),
                        Map.entry("vdd_std", FeatureStatus.PRESENT),
                        Map.entry("device_count", FeatureStatus.PRESENT));
        assertThat(p.values().get("yield_pct")).isEqualTo(Double.parseDouble(present.get("yield_pct")));
        assertThat(p.values().get("device_count")).isEqualTo(601.0);
        assertThat(p.windowEnd()).isEqualTo(now - 60_000);
        assertThat(p.windowStart()).isEqualTo(now - 60_000 - 300_000);
        assertThat(p.revision()).isEqualTo(1);
        assertThat(p.featureVersion()).isEqualTo("v1");

        EntityFeatures n = a.results().get(1);
        assertThat(n.statuses().get("vdd_std")).isEqualTo(FeatureStatus.NULL);
        assertThat(n.values().get("vdd_std")).isNull();
        assertThat(n.statuses().get("yield_pct")).isEqualTo(FeatureStatus.PRESENT);

        EntityFeatures missing = a.results().get(2);
        assertThat(missing.statuses().values()).containsOnly(FeatureStatus.NOT_FOUND);
        assertThat(missing.values().values()).containsOnlyNulls();
        assertThat(missing.windowEnd()).isNull();

        EntityFeatures stale = a.results().get(3);
        assertThat(stale.statuses().values()).containsOnly(FeatureStatus.STALE);
        // A stale value is still given: the caller decides; its window says how old it is.
        assertThat(stale.values().get("yield_pct")).isEqualTo(Double.parseDouble(old.get("yield_pct")));
        assertThat(stale.windowEnd()).isEqualTo(now - 3_600_000);
    }

    @Test
    void derivedFeaturesAreComputedFromTheRowRead() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> row = s.writeRow("v1", "derived-present", 6, now);
        s.writeRow("v1", "derived-null", 7, now);
        s.nullFeature("v1", "derived-null", "vdd_mean"); // how the job stores a null feature
        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(
                                ServingFixture.GROUP, List.of("derived-present", "derived-null", "derived-missing"))
                        .withVersion("v1")
                        .withFeatures(List.of("yield_pct"))
                        .withDerived(List.of("vdd_cv", "yield_vs_neighbors", "vdd_z")));

        EntityFeatures p = a.results().get(0);
        double vddStd = Double.parseDouble(row.get("vdd_std"));
        double vddMean = Double.parseDouble(row.get("vdd_mean"));
        assertThat(p.values().get("vdd_cv")).isEqualTo(vddStd / vddMean);
        assertThat(p.values().get("yield_vs_neighbors"))
                .isEqualTo(Double.parseDouble(row.get("yield_pct"))
                        - 100 * Double.parseDouble(row.get("neighbor_yield_avg")));
        assertThat(p.statuses())
                .containsEntry("vdd_cv", FeatureStatus.PRESENT)
                .containsEntry("yield_vs_neighbors", FeatureStatus.PRESENT)
                // The job builds its baseline in the stream and has written no drift window of v1: no baseline yet.
                .containsEntry("vdd_z", FeatureStatus.NULL);
        assertThat(p.values()).containsKeys("yield_pct", "vdd_cv", "yield_vs_neighbors", "vdd_z");

        EntityFeatures n = a.results().get(1);
        assertThat(n.statuses()).containsEntry("vdd_cv", FeatureStatus.NULL);
        assertThat(n.values().get("vdd_cv")).isNull();
        assertThat(n.statuses()).containsEntry("yield_vs_neighbors", FeatureStatus.PRESENT);
        assertThat(a.results().get(2).statuses().get("vdd_cv")).isEqualTo(FeatureStatus.NOT_FOUND);
    }

    @Test
    void aDerivedFeatureReadsTheBaselineTheJobBuiltInTheStream() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> row = s.writeRow("v7", "baseline-wafer", 8, now);
        try (Jedis jedis = s.jedis()) {
            // What the job writes with each drift window of vdd (stores/online/DriftMetricToRedis).
            jedis.hset(
                    "wf:drift:wafer_aggregates:v7:vdd",
                    Map.of("baseline_mean", "801.5", "baseline_std", "2.5", "n_baseline", "11373", "psi", "0.01"));
        }
        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(ServingFixture.GROUP, List.of("baseline-wafer"))
                        .withVersion("v7")
                        .withFeatures(List.of("vdd_mean"))
                        .withDerived(List.of("vdd_z")));

        double vddMean = Double.parseDouble(row.get("vdd_mean"));
        assertThat(a.results().get(0).values().get("vdd_z")).isEqualTo((vddMean - 801.5) / 2.5);
        assertThat(a.results().get(0).statuses().get("vdd_z")).isEqualTo(FeatureStatus.PRESENT);
    }

    @Test
    void declaredDefaultsFillWhatIsMissingNullOrStale() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> row = s.writeRow("v1", "default-present", 4, now);
        s.writeRow("v1", "default-stale", 5, now - 7_200_000);
        s.nullFeature("v1", "default-present", "vdd_std"); // how the job stores a null feature
        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(
                                ServingFixture.GROUP, List.of("default-present", "default-missing", "default-stale"))
                        .withVersion("v1")
                        .withFeatures(List.of("yield_pct", "vdd_std", "idd_mean"))
                        .withDefaults(Map.of("yield_pct", -1.0, "vdd_std", 0.5))
                        .withMaxAge("1 h"));

        EntityFeatures present = a.results().get(0);
        assertThat(present.values().get("yield_pct")).isEqualTo(Double.parseDouble(row.get("yield_pct")));
        assertThat(present.statuses().get("yield_pct")).isEqualTo(FeatureStatus.PRESENT);
        assertThat(present.values().get("vdd_std")).isEqualTo(0.5);
        assertThat(present.statuses().get("vdd_std")).isEqualTo(FeatureStatus.DEFAULT);

        EntityFeatures missing = a.results().get(1);
        assertThat(missing.values()).containsEntry("yield_pct", -1.0).containsEntry("vdd_std", 0.5);
        assertThat(missing.statuses())
                .containsEntry("yield_pct", FeatureStatus.DEFAULT)
                .containsEntry("idd_mean", FeatureStatus.NOT_FOUND);

        EntityFeatures stale = a.results().get(2);
        assertThat(stale.statuses())
                .containsEntry("yield_pct", FeatureStatus.DEFAULT)
                .containsEntry("idd_mean", FeatureStatus.STALE);
    }

    @Test
    void answersInRequestOrderWithEveryFeatureByDefault() throws Exception {
        long now = System.currentTimeMillis();
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> "order-" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            s.writeRow("v1", ids.get(i), 10 + i, now);
        }
        List<String> asked = new ArrayList<>(ids);
        java.util.Collections.shuffle(asked, new java.util.Random(7));
        asked.add(asked.get(3)); // a repeated id is answered again, in its place
        asked.add(5, "order-none");

        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(ServingFixture.GROUP, asked).withVersion("v1"));

        assertThat(a.results()).extracting(EntityFeatures::entity).containsExactlyElementsOf(asked);
        List<String> features = s.features();
        for (EntityFeatures r : a.results()) {
            assertThat(r.values().keySet()).containsExactlyElementsOf(features);
            if (!r.entity().equals("order-none")) {
                int seed = 10 + Integer.parseInt(r.entity().substring("order-".length()));
                for (int f = 0; f < features.size(); f++) {
                    assertThat(r.values().get(features.get(f)))
                            .as(r.entity() + " " + features.get(f))
                            .isEqualTo(Double.parseDouble(ServingFixture.storedValue(seed, f)));
                }
            }
        }
    }

    /** A batch of 100 wafers is 100 HMGETs in one pipelined round trip, and no other command. */
    @Test
    void aBatchIsOneRoundTrip() throws Exception {
        long now = System.currentTimeMillis();
        List<String> ids = IntStream.range(0, 100).mapToObj(i -> "trip-" + i).toList();
        ids.forEach(id -> s.writeRow("v1", id, 1, now));
        long tripsBefore = metric(s.get("/metrics").body(), "waferflow_serving_redis_round_trips_total");
        Map<String, Long> before = commandCalls();

        FeatureClient.Answer a = s.client()
                .features(FeatureClient.Request.of(ServingFixture.GROUP, ids).withVersion("v1"));

        Map<String, Long> after = commandCalls();
        assertThat(a.results()).hasSize(100);
        Map<String, Long> used = new HashMap<>();
        after.forEach((cmd, n) -> {
            long d = n - before.getOrDefault(cmd, 0L);
            if (d > 0 && !cmd.equals("info")) {
                used.put(cmd, d);
            }
        });
        assertThat(used).isEqualTo(Map.of("hmget", 100L));
        long tripsAfter = metric(s.get("/metrics").body(), "waferflow_serving_redis_round_trips_total");
        assertThat(tripsAfter - tripsBefore).isEqualTo(1);
    }

    @Test
    void moreThanAThousandEntitiesIs413() throws Exception {
        String thousand = ids(1000);
        assertThat(s.post("/v1/features", body(thousand)).statusCode()).isEqualTo(200);

        HttpResponse<String> r = s.post("/v1/features", body(ids(1001)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r)).contains("1001").contains("at most 1000");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"" + "x".repeat(1_100_000) + "\"]}";
        HttpResponse<String> r = s.post("/v1/features", huge);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r)).contains("at most 1048576");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggr\",\"entities\":[\"W1\"]}",
                        "unknown feature group 'wafer_aggr'; this server serves 'wafer_aggregates'"),
                Arguments.of("{\"entities\":[\"W1\"]}", "feature_group is missing"),
                Arguments.of("{\"feature_group\":\"wafer_aggregates\",\"entities\":[]}", "entities is empty"),
                Arguments.of("{\"feature_group\":\"wafer_aggregates\"}", "entities is missing"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\",7]}",
                        "entities[1] is number, not a string"),
                Arguments.of("{\"feature_group\":\"wafer_aggregates\",\"entities\":\"W1\"}", "entities must be a list"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"features\":[\"yeild_pct\"]}",
                        "unknown feature 'yeild_pct' in group wafer_aggregates (did you mean 'yield_pct'?)"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],"
                                + "\"features\":[\"vdd_mean\",\"vdd_mean\"]}",
                        "features names 'vdd_mean' twice"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"max_age\":\"ten minutes\"}",
                        "max_age 'ten minutes' is not a positive duration"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"max_age\":\"0 s\"}",
                        "max_age '0 s' is not a positive duration"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"derived\":[\"vdd_vc\"]}",
                        "unknown derived feature 'vdd_vc' (did you mean 'vdd_cv'?); the derived features are vdd_cv, "
                                + "yield_vs_neighbors, vdd_z"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"derived\":[\"yield_pct\"]}",
                        "unknown derived feature 'yield_pct'"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],"
                                + "\"defaults\":{\"yield_pct\":\"high\"}}",
                        "defaults.yield_pct must be a number"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"defaults\":{\"nope\":1}}",
                        "unknown feature in defaults, 'nope'"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"version\":\"v1:*\"}",
                        "version 'v1:*' is not a version name"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"],\"entites\":[\"W2\"]}",
                        "unknown field 'entites' (did you mean 'entities'?)"),
                Arguments.of(
                        "{\"feature_group\":\"wafer_aggregates\",\"entities\":[\"W1\"",
                        "the request body is not valid JSON"),
                Arguments.of("[\"W1\"]", "the request body must be a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badRequestsAre400WithWhatWasWrong(String body, String message) throws Exception {
        HttpResponse<String> r = s.post("/v1/features", body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).contains(message);
    }

    @Test
    void oneEntityByPath() throws Exception {
        Map<String, String> row = s.writeRow("v1", "path W/1", 9, System.currentTimeMillis());
        EntityFeatures f = s.client().feature(ServingFixture.GROUP, "path W/1");
        assertThat(f.entity()).isEqualTo("path W/1");
        assertThat(f.values().get("idd_p95")).isEqualTo(Double.parseDouble(row.get("idd_p95")));

        HttpResponse<String> some = s.get("/v1/features/wafer_aggregates/path%20W%2F1?features=yield_pct,vdd_mean");
        assertThat(JSON.readTree(some.body()).at("/results/0/values").size()).isEqualTo(2);
        s.writeRow("v1", "W+2", 3, System.currentTimeMillis());
        assertThat(JSON.readTree(s.get("/v1/features/wafer_aggregates/W+2").body())
                        .at("/results/0/statuses/yield_pct")
                        .asText())
                .isEqualTo("PRESENT");
        assertThat(s.get("/v1/features/other_group/W1").statusCode()).isEqualTo(400);
        assertThat(s.get("/v1/features/wafer_aggregates").statusCode()).isEqualTo(404);
        assertThat(s.get("/v1/nothing").statusCode()).isEqualTo(404);
        assertThat(s.get("/v1/features").statusCode()).isEqualTo(405);
    }

    /** Without a version, the one the serving pointer names (switched with `waferflow version switch`). */
    @Test
    void theServingPointerPicksTheDefaultVersion() throws Exception {
        long now = System.currentTimeMillis();
        s.writeRow("v1", "pointer", 1, now);
        s.writeRow("v2", "pointer", 2, now);
        FeatureClient.Request request = FeatureClient.Request.of(ServingFixture.GROUP, List.of("pointer"))
                .withFeatures(List.of("yield_pct"));
        try (Jedis jedis = s.jedis()) {
            ServingVersions versions = new ServingVersions(jedis, s.config.redisKeyPrefix());
            jedis.del(ServingVersions.key(s.config.redisKeyPrefix(), ServingFixture.GROUP));
            Thread.sleep(100); // past serving.version_refresh
            assertThat(s.client().features(request).version()).isEqualTo("v1"); // none: the configured version

            versions.switchTo(ServingFixture.GROUP, "v2");
            Thread.sleep(100);
            FeatureClient.Answer v2 = s.client().features(request);
            assertThat(v2.version()).isEqualTo("v2");
            assertThat(v2.results().get(0).values().get("yield_pct"))
                    .isEqualTo(Double.parseDouble(ServingFixture.storedValue(2, 1)));
            assertThat(v2.results().get(0).featureVersion()).isEqualTo("v2");

            versions.switchTo(ServingFixture.GROUP, "v1");
            Thread.sleep(100);
            assertThat(s.client().features(request).results().get(0).values().get("yield_pct"))
                    .isEqualTo(Double.parseDouble(ServingFixture.storedValue(1, 1)));
            jedis.del(ServingVersions.key(s.config.redisKeyPrefix(), ServingFixture.GROUP));
        }
    }

    @Test
    void aTokenIsRequiredWhenConfigured() throws Exception {
        ServingFixture secured = new ServingFixture(redis, "serving.token=s3cret-token");
        try {
            String ok = body("[\"W1\"]");
            assertThat(secured.post("/v1/features", ok).statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = secured.post("/v1/features", ok, "Authorization", "Bearer guess");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(wrong.body()).doesNotContain("s3cret");
            assertThat(secured.get("/metrics").statusCode()).isEqualTo(401);
            assertThat(secured.post("/v1/features", ok, "Authorization", "Bearer s3cret-token")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(new FeatureClient(URI.create(secured.server.url()), "s3cret-token")
                            .feature(ServingFixture.GROUP, "W1")
                            .entity())
                    .isEqualTo("W1");
            assertThat(secured.get("/health").statusCode()).isEqualTo(200); // probes need no token
            assertThat(metric(
                            secured.get("/metrics", "Authorization", "Bearer s3cret-token")
                                    .body(),
                            "waferflow_serving_errors_total{kind=\"unauthorized\"}"))
                    .isEqualTo(3);
        } finally {
            secured.close();
        }
    }

    @Test
    void listensOnLoopbackByDefault() {
        assertThat(s.server.url()).startsWith("http://127.0.0.1:");
    }

    /** Every sample line is Prometheus text, each metric is typed, and the histogram adds up. */
    @Test
    void metricsAreValidPrometheusText() throws Exception {
        s.post("/v1/features", body("[\"W1\"]"));
        s.post("/v1/features", "{}");
        String text = s.get("/metrics").body();
        Map<String, String> types = new HashMap<>();
        List<String> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
            } else if (!line.startsWith("# HELP ")) {
                assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_]+=\"[^\"]*\"})? -?[0-9.eE+-]+");
                samples.add(line);
            }
        }
        for (String sample : samples) {
            String name = sample.split("[{ ]")[0];
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            assertThat(types).as(sample).containsKey(types.containsKey(name) ? name : family);
        }
        assertThat(types).containsEntry("waferflow_serving_request_seconds", "histogram");
        assertThat(metric(text, "waferflow_serving_requests_total{endpoint=\"features\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(metric(text, "waferflow_serving_errors_total{kind=\"bad_request\"}"))
                .isGreaterThanOrEqualTo(1);
        List<Long> buckets = samples.stream()
                .filter(l -> l.startsWith("waferflow_serving_request_seconds_bucket"))
                .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
                .toList();
        assertThat(buckets).isSorted();
        assertThat(buckets.get(buckets.size() - 1)).isEqualTo(metric(text, "waferflow_serving_request_seconds_count"));
        assertThat(text).contains("waferflow_serving_cache_hit_rate 0.0");
    }

    @Test
    void healthSaysRedisIsUp() throws Exception {
        HttpResponse<String> r = s.get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("redis").asText()).isEqualTo("up");
    }

    @Test
    void serverTimingIsMillisecondsWithThreeDecimals() {
        assertThat(FeatureServer.serverTiming(1_234_567)).isEqualTo("app;dur=1.235");
        assertThat(FeatureServer.serverTiming(999)).isEqualTo("app;dur=0.001");
        assertThat(FeatureServer.serverTiming(0)).isEqualTo("app;dur=0.000");
        assertThat(FeatureServer.serverTiming(12_000_400_000L)).isEqualTo("app;dur=12000.400");
    }

    static long metric(String text, String sample) {
        return text.lines()
                .filter(l -> l.startsWith(sample + " "))
                .map(l -> (long) Double.parseDouble(l.substring(sample.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + sample + " in\n" + text));
    }

    private Map<String, Long> commandCalls() {
        try (Jedis jedis = s.jedis()) {
            return commandCalls(jedis);
        }
    }

    /** Calls per command the server of {@code jedis} has answered so far ({@code INFO commandstats}). */
    static Map<String, Long> commandCalls(Jedis jedis) {
        return jedis.info("commandstats")
                .lines()
                .filter(l -> l.startsWith("cmdstat_"))
                .collect(Collectors.toMap(
                        l -> l.substring("cmdstat_".length(), l.indexOf(':')),
                        l -> Long.parseLong(l.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"))));
    }

    private static String ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"W" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static String body(String entities) {
        return "{\"feature_group\":\"wafer_aggregates\",\"version\":\"v1\",\"entities\":" + entities + "}";
    }

    private static String error(HttpResponse<String> r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        return body.get("error").asText();
    }
}
