package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.serving.FeatureClient.EntityFeatures;
import io.waferflow.stores.online.ServingVersions;
import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.RedisTopology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code waferflow serve} with {@code redis.mode: cluster}, over a Redis Cluster of three real redis-server masters
 * (created with {@code redis-cli --cluster create}): a batch is answered in request order with one pipelined round trip
 * per master, the serving pointer is read on its slot's master, and a cluster whose nodes do not answer is a 503 or the
 * declared defaults (last: it stops the cluster, then starts it again).
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static RedisTopology cluster;
    private static ServingFixture s;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisTopology.cluster(dir.resolve("cluster"));
        s = new ServingFixture(cluster, "serving.version_refresh=50 ms", "serving.retry_after=3 s");
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        cluster.close();
    }

    /** Per master (by port): the calls per command it answered so far. */
    private static Map<Integer, Map<String, Long>> commandCalls() {
        Map<Integer, Map<String, Long>> calls = new HashMap<>();
        for (RedisServerProcess master : cluster.servers()) {
            try (Jedis jedis = new Jedis(master.host(), master.port())) {
                calls.put(master.port(), FeatureServerTest.commandCalls(jedis));
            }
        }
        return calls;
    }

    @Test
    @Order(1)
    void aHundredEntitiesOverThreeMastersAreAnsweredInRequestOrderWithOneRoundTripPerMaster() throws Exception {
        long now = System.currentTimeMillis();
        List<String> stored =
                IntStream.range(0, 95).mapToObj(i -> "cluster-" + i).toList();
        for (int i = 0; i < stored.size(); i++) {
            s.writeRow("v1", stored.get(i), 10 + i, now);
        }
        int rows = 0;
        for (RedisServerProcess master : cluster.servers()) {
            try (Jedis jedis = new Jedis(master.host(), master.port())) {
                int mine = jedis.keys(s.key("v1", "cluster-*")).size();
                assertThat(mine).as("rows on master %d", master.port()).isPositive();
                rows += mine;
            }
        }
        assertThat(rows).isEqualTo(95);
        List<String> asked = new ArrayList<>(stored);
        Collections.shuffle(asked, new Random(7));
        for (int a = 0; a < 5; a++) {
            asked.add(a * 20, "absent-" + a);
        }
        long tripsBefore =
                FeatureServerTest.metric(s.get("/metrics").body(), "waferflow_serving_redis_round_trips_total");
        Map<Integer, Map<String, Long>> before = commandCalls();

        FeatureClient.Answer answer = s.client()
                .features(FeatureClient.Request.of(ServingFixture.GROUP, asked).withVersion("v1"));

        Map<Integer, Map<String, Long>> after = commandCalls();
        long tripsAfter =
                FeatureServerTest.metric(s.get("/metrics").body(), "waferflow_serving_redis_round_trips_total");
        assertThat(answer.results()).extracting(EntityFeatures::entity).containsExactlyElementsOf(asked);
        List<String> features = s.features();
        for (EntityFeatures r : answer.results()) {
            if (r.entity().startsWith("absent-")) {
                assertThat(r.statuses().values()).as(r.entity()).containsOnly(FeatureStatus.NOT_FOUND);
                assertThat(r.windowEnd()).isNull();
                continue;
            }
            int seed = 10 + Integer.parseInt(r.entity().substring("cluster-".length()));
            assertThat(r.statuses().values()).as(r.entity()).containsOnly(FeatureStatus.PRESENT);
            assertThat(r.windowEnd()).isEqualTo(now);
            for (int f = 0; f < features.size(); f++) {
                assertThat(r.values().get(features.get(f)))
                        .as(r.entity() + " " + features.get(f))
                        .isEqualTo(Double.parseDouble(ServingFixture.storedValue(seed, f)));
            }
        }
        long hmgets = 0;
        for (Map.Entry<Integer, Map<String, Long>> node : after.entrySet()) {
            Map<String, Long> used = new HashMap<>();
            node.getValue().forEach((cmd, n) -> {
                long d = n - before.get(node.getKey()).getOrDefault(cmd, 0L);
                if (d > 0 && !cmd.equals("info")) {
                    used.put(cmd, d);
                }
            });
            assertThat(used.keySet()).as("commands on master %d", node.getKey()).containsOnly("hmget");
            assertThat(used.get("hmget"))
                    .as("HMGETs on master %d", node.getKey())
                    .isPositive();
            hmgets += used.get("hmget");
        }
        assertThat(hmgets).as("one HMGET per entity, none redirected").isEqualTo(100);
        assertThat(tripsAfter - tripsBefore)
                .as("one pipelined round trip per master")
                .isEqualTo(3);
    }

    @Test
    @Order(2)
    void theServingPointerIsReadWhereverItsSlotIs() throws Exception {
        long now = System.currentTimeMillis();
        s.writeRow("v1", "pointer", 1, now);
        s.writeRow("v2", "pointer", 2, now);
        FeatureClient.Request request = FeatureClient.Request.of(ServingFixture.GROUP, List.of("pointer"))
                .withFeatures(List.of("yield_pct"));
        try (ServingVersions versions =
                ServingVersions.open(cluster.connection(), s.config.redisKeyPrefix(), ServingFixture.GROUP)) {
            versions.switchTo(ServingFixture.GROUP, "v2");
            Thread.sleep(100); // past serving.version_refresh
            FeatureClient.Answer v2 = s.client().features(request);
            assertThat(v2.version()).isEqualTo("v2");
            assertThat(v2.results().get(0).values().get("yield_pct"))
                    .isEqualTo(Double.parseDouble(ServingFixture.storedValue(2, 1)));

            versions.switchTo(ServingFixture.GROUP, "v1");
            Thread.sleep(100);
            assertThat(s.client().features(request).version()).isEqualTo("v1");
        }
    }

    @Test
    @Order(3)
    void aClusterWhoseNodesDoNotAnswerIs503OrTheDeclaredDefaultsAndServingResumesAfter() throws Exception {
        s.writeRow("v1", "outage", 3, System.currentTimeMillis());
        assertThat(s.client().feature(ServingFixture.GROUP, "outage").statuses().get("yield_pct"))
                .isEqualTo(FeatureStatus.PRESENT);

        for (RedisServerProcess node : cluster.servers()) {
            node.stop();
        }

        RedisOutageServingTest.assertRedisAway(s, List.of("outage", "cluster-1"));

        for (RedisServerProcess node : cluster.servers()) {
            node.startAgain();
        }
        // A connection the pools kept from before the outage fails once (a 503), and is replaced.
        RedisTopology.await("serving again", () -> {
            try {
                return s.client()
                                .feature(ServingFixture.GROUP, "outage")
                                .statuses()
                                .get("yield_pct")
                        == FeatureStatus.PRESENT;
            } catch (Exception e) {
                return false;
            }
        });
        RedisTopology.await("health up", () -> {
            try {
                return JSON.readTree(s.get("/health").body())
                        .get("redis")
                        .asText()
                        .equals("up");
            } catch (Exception e) {
                return false;
            }
        });
    }
}
