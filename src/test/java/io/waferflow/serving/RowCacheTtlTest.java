package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The row cache serves a row for at most its TTL: while a writer keeps replacing a wafer's value, every answer is at
 * least as new as the value Redis held one TTL before the request was sent.
 */
class RowCacheTtlTest {

    private static final long TTL_MILLIS = 150;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void noAnswerIsOlderThanTheTtl() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(dir)) {
            ServingFixture s =
                    new ServingFixture(redis, "serving.cache.enabled=true", "serving.cache.ttl=" + TTL_MILLIS + " ms");
            AtomicBoolean writing = new AtomicBoolean(true);
            // When each value was known to be in Redis (after its write returned): nanoTime -> value.
            ConcurrentSkipListMap<Long, Integer> written = new ConcurrentSkipListMap<>();
            s.writeRow("v1", "W1", 1, System.currentTimeMillis());
            Thread writer = new Thread(() -> {
                try (Jedis jedis = s.jedis()) {
                    for (int i = 1; writing.get(); i++) {
                        jedis.hset(s.key("v1", "W1"), "features", "{\"yield_pct\":" + i + "}");
                        written.put(System.nanoTime(), i);
                        Thread.sleep(3);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                writer.start();
                FeatureClient client = s.client();
                FeatureClient.Request request = FeatureClient.Request.of(ServingFixture.GROUP, List.of("W1"))
                        .withVersion("v1")
                        .withFeatures(List.of("yield_pct"));
                Thread.sleep(50);
                // At least 2 s and 300 checked answers, however slow a loaded machine answers (not a timing test).
                long start = System.nanoTime();
                long deadline = start + 60_000_000_000L;
                int answers = 0;
                while (System.nanoTime() < deadline && (answers < 300 || System.nanoTime() - start < 2_000_000_000L)) {
                    long sent = System.nanoTime();
                    double served =
                            client.features(request).results().get(0).values().get("yield_pct");
                    var floor = written.floorEntry(sent - TTL_MILLIS * 1_000_000);
                    if (floor != null) {
                        assertThat(served)
                                .as("served value vs the value Redis held one TTL before the request")
                                .isGreaterThanOrEqualTo(floor.getValue());
                        answers++;
                    }
                }
                assertThat(answers).isGreaterThanOrEqualTo(300);
                long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
                String metrics = s.get("/metrics").body();
                // The cache was used: most answers came from it, and it still went back to Redis: at least once per TTL
                // and request (a request can straddle an expiry), over the whole run.
                long hits = FeatureServerTest.metric(metrics, "waferflow_serving_cache_hits_total");
                long misses = FeatureServerTest.metric(metrics, "waferflow_serving_cache_misses_total");
                assertThat(hits).isGreaterThan(misses);
                assertThat(misses).isGreaterThanOrEqualTo(Math.min(answers, elapsedMillis / TTL_MILLIS) / 2);
                assertThat(metrics).containsPattern("waferflow_serving_cache_hit_rate 0\\.[5-9]");
            } finally {
                writing.set(false);
                writer.join();
                s.close();
            }
        }
    }
}
