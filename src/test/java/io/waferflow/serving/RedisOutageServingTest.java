package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.testing.RedisServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With the redis-server process stopped: a 503 with Retry-After, or the request's defaults; and back after. */
class RedisOutageServingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void redisAwayIs503OrTheDeclaredDefaultsAndServingResumesAfter() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(dir)) {
            ServingFixture s = new ServingFixture(redis, "serving.retry_after=3 s");
            try {
                Map<String, String> row = s.writeRow("v1", "W1", 1, System.currentTimeMillis());
                assertThat(s.client()
                                .feature(ServingFixture.GROUP, "W1")
                                .statuses()
                                .get("yield_pct"))
                        .isEqualTo(FeatureStatus.PRESENT);

                redis.stop();

                assertRedisAway(s, List.of("W1", "W2"));
                String metrics = s.get("/metrics").body();
                assertThat(FeatureServerTest.metric(
                                metrics, "waferflow_serving_errors_total{kind=\"redis_unavailable\"}"))
                        .isEqualTo(1);
                assertThat(FeatureServerTest.metric(metrics, "waferflow_serving_default_answers_total"))
                        .isEqualTo(1);

                redis.startAgain();

                FeatureClient.EntityFeatures back = s.client().feature(ServingFixture.GROUP, "W1");
                assertThat(back.statuses().get("yield_pct")).isEqualTo(FeatureStatus.PRESENT);
                assertThat(back.values().get("yield_pct")).isEqualTo(Double.parseDouble(row.get("yield_pct")));
            } finally {
                s.close();
            }
        }
    }

    /**
     * While Redis is away (retry_after 3 s): a request without defaults is a 503 with Retry-After; one that declares a
     * default for yield_pct gets it ({@code DEFAULT}) for every entity, and vdd_mean {@code UNAVAILABLE}; /health says
     * Redis is down.
     */
    static void assertRedisAway(ServingFixture s, List<String> entities) throws Exception {
        String plain =
                "{\"feature_group\":\"wafer_aggregates\",\"entities\":" + JSON.writeValueAsString(entities) + "}";
        HttpResponse<String> refused = s.post("/v1/features", plain);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("3");
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("Redis");

        FeatureClient.Answer degraded = s.client()
                .features(FeatureClient.Request.of(ServingFixture.GROUP, entities)
                        .withFeatures(List.of("yield_pct", "vdd_mean"))
                        .withDefaults(Map.of("yield_pct", 95.0)));
        assertThat(degraded.results()).hasSize(entities.size());
        for (FeatureClient.EntityFeatures e : degraded.results()) {
            assertThat(e.values()).containsEntry("yield_pct", 95.0).containsEntry("vdd_mean", null);
            assertThat(e.statuses())
                    .containsEntry("yield_pct", FeatureStatus.DEFAULT)
                    .containsEntry("vdd_mean", FeatureStatus.UNAVAILABLE);
        }
        assertThat(JSON.readTree(s.get("/health").body()).get("redis").asText()).isEqualTo("down");
    }
}
