package io.waferflow.serving;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.RedisTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * A feature server on loopback over a real redis-server, and rows written straight into Redis in the job's layout
 * (written here, not by the job's writer: the test states what is stored and what must be served).
 */
final class ServingFixture {

    static final String GROUP = "wafer_aggregates";

    final FeaturesJobConfig config;
    final FeatureServer server;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ServingFixture(RedisServerProcess redis, String... servingOverrides) throws IOException {
        this(List.of("redis.host=" + redis.host(), "redis.port=" + redis.port()), servingOverrides);
    }

    /** Over a Redis Cluster or a Sentinel-watched master ({@code redis.mode} from the topology). */
    ServingFixture(RedisTopology redis, String... servingOverrides) throws IOException {
        this(redis.settings(), servingOverrides);
    }

    private ServingFixture(List<String> redisSettings, String... servingOverrides) throws IOException {
        List<String> overrides = new ArrayList<>(redisSettings);
        overrides.add("serving.port=0");
        overrides.addAll(List.of(servingOverrides));
        this.config = TestConfigs.features(overrides);
        this.server = FeatureServer.start(config);
    }

    List<String> features() {
        return ServedGroup.of(config).features();
    }

    /** The stored value of feature number {@code f} of a row with seed {@code seed}: distinct per feature and row. */
    static String storedValue(int seed, int f) {
        return f == 0 ? Integer.toString(600 + seed) : Double.toString(seed * 100 + f + 0.25);
    }

    /** Writes a full row (every feature, then the metadata the job writes) and returns the stored hash. */
    Map<String, String> writeRow(String version, String entity, int seed, long windowEnd) {
        Map<String, String> row = new HashMap<>();
        List<String> features = features();
        for (int f = 0; f < features.size(); f++) {
            row.put(features.get(f), storedValue(seed, f));
        }
        row.put(OnlineKeys.LOT_ID, "L1");
        row.put(OnlineKeys.WINDOW_START, Long.toString(windowEnd - 300_000));
        row.put(OnlineKeys.WINDOW_END, Long.toString(windowEnd));
        row.put(OnlineKeys.REVISION, Integer.toString(seed % 3));
        row.put(OnlineKeys.FEATURE_VERSION, version);
        row.put(OnlineKeys.JOB_VERSION, "test");
        row.put(OnlineKeys.UPDATED_AT, Long.toString(System.currentTimeMillis()));
        store(version, entity, row);
        return row;
    }

    /** Stores a feature of a row {@link #writeRow} wrote as the job stores a feature without a value. */
    void nullFeature(String version, String entity, String feature) {
        Map<String, String> row;
        try (Jedis jedis = RedisClients.jedisForKey(config.redisConnection(), key(version, entity))) {
            row = new HashMap<>(PackedFeatures.flatten(jedis.hgetAll(key(version, entity))));
        }
        row.put(feature, OnlineKeys.NULL);
        store(version, entity, row);
    }

    /** A row (every feature and the metadata, by name) as the job stores it: the features packed, the metadata. */
    private void store(String version, String entity, Map<String, String> row) {
        List<String> features = features();
        String[] values = new String[features.size()];
        Map<String, String> hash = new HashMap<>(row);
        for (int f = 0; f < values.length; f++) {
            values[f] = hash.remove(features.get(f));
        }
        hash.put(OnlineKeys.FEATURES, PackedFeatures.pack(PackedFeatures.openings(features), values));
        try (Jedis jedis = RedisClients.jedisForKey(config.redisConnection(), key(version, entity))) {
            jedis.hset(key(version, entity), hash);
        }
    }

    String key(String version, String entity) {
        return OnlineKeys.key(config.redisKeyPrefix(), GROUP, version, entity);
    }

    /** A connection to the (standalone) server. */
    Jedis jedis() {
        return RedisClients.jedis(config.redisConnection());
    }

    FeatureClient client() {
        return new FeatureClient(URI.create(server.url()), null);
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void close() {
        server.close();
    }
}
