package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.online.RedisStore;
import io.waferflow.stores.online.ServingVersions;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.RedisTopology;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * {@code redis.mode: cluster} and {@code sentinel}, each against real redis-server processes: the production graph
 * writes every wafer's newest row into a three-master cluster (created with {@code redis-cli --cluster create}) and
 * into the master a Sentinel names, equal to the independent model; a writer follows a Sentinel failover to the new
 * master.
 */
@Timeout(300)
class RedisModesITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-12-01T08:00:00Z").toEpochMilli();
    private static final String[] FEATURES = {"device_count", "yield_pct", "vdd_mean", "idd_p95", "temperature_max"};

    @TempDir
    Path tmp;

    /** Twelve wafers of 30 dies over three minutes: keys spread over every master of the cluster. */
    private static List<TestDie> wafers() {
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(11)
                .dies(30, 6)
                .failRate(0.2)
                .failingIdd(80, 10)
                .temperature(25, 1)
                .testTime(120, 30)
                .lot("L9")
                .wafers(12, w -> String.format("W%02d", w))
                .starts(T0, 700)
                .dieEvery(6_000)
                .build());
        dies.sort(Comparator.comparingLong(TestDie::time));
        return dies;
    }

    private ExpectedFeatures run(String name, RedisTopology redis) throws Exception {
        List<TestDie> dies = wafers();
        SERVICES.createTopics(name, 1);
        SERVICES.produce(name + "-in", TestDie.payloads(dies));
        List<String> overrides = new ArrayList<>(redis.settings());
        overrides.add("feature_group.watermark.emit=per_record");
        FeaturesJobConfig config = SERVICES.config(tmp, name, overrides.toArray(String[]::new));
        assertThat(config.redisConnection().mode().name())
                .isEqualTo(redis.connection().mode().name());
        FeaturesJobRun.execute(config, "features-" + name);
        return ExpectedFeatures.compute(dies, MINUTE, 30_000, 5_000);
    }

    private static void assertRow(Map<String, String> hash, ExpectedFeatures.Row want) {
        assertThat(hash.get("window_end")).as(want.wafer).isEqualTo(Long.toString(want.windowEnd));
        for (String f : FEATURES) {
            // Means are sums in another order than the model's: equal to the last bits.
            assertThat(Double.parseDouble(hash.get(f)))
                    .as(want.wafer + " " + f)
                    .isCloseTo(want.features.get(f), within(1e-9));
        }
    }

    @Test
    void aClusterOfThreeMastersHoldsEveryWafersNewestRow() throws Exception {
        try (RedisTopology redis = RedisTopology.cluster(tmp.resolve("cluster"));
                JedisCluster reader = RedisClients.cluster(redis.connection(), new GenericObjectPoolConfig<>())) {
            ExpectedFeatures expected = run("cluster", redis);

            Map<String, ExpectedFeatures.Row> newest = expected.newestPerWafer();
            assertThat(newest).hasSize(12);
            for (ExpectedFeatures.Row want : newest.values()) {
                assertRow(PackedFeatures.flatten(reader.hgetAll("cluster:wafer_aggregates:v1:" + want.wafer)), want);
            }
            long rows = 0;
            for (RedisServerProcess master : redis.servers()) {
                try (Jedis node = new Jedis(master.host(), master.port())) {
                    int mine = node.keys("cluster:wafer_aggregates:v1:*").size();
                    assertThat(mine)
                            .as("feature rows on master %d", master.port())
                            .isPositive();
                    rows += mine;
                }
            }
            assertThat(rows).as("one row per wafer, over all masters").isEqualTo(12);
            try (ServingVersions versions = ServingVersions.open(redis.connection(), "cluster", "wafer_aggregates")) {
                assertThat(versions.hasData("wafer_aggregates", "v1")).isTrue();
                assertThat(versions.hasData("wafer_aggregates", "v9")).isFalse();
            }
        }
    }

    @Test
    void theMasterASentinelNamesHoldsEveryWafersNewestRowAndAWriterFollowsAFailover() throws Exception {
        try (RedisTopology redis = RedisTopology.sentinel(tmp.resolve("sentinel"))) {
            ExpectedFeatures expected = run("sentinel", redis);
            RedisServerProcess master = redis.servers().get(0);
            RedisServerProcess replica = redis.servers().get(1);
            try (Jedis reader = new Jedis(master.host(), master.port())) {
                for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                    assertRow(
                            PackedFeatures.flatten(reader.hgetAll("sentinel:wafer_aggregates:v1:" + want.wafer)), want);
                }
            }

            try (RedisStore store = RedisStore.connect(redis.connection())) {
                RedisHashWrite before = row("before", 1_000);
                assertThat(store.write(before)).isTrue();
                try (Jedis sentinel =
                        new Jedis(redis.connection().host(), redis.connection().port())) {
                    sentinel.sentinelFailover("mymaster");
                }
                HostAndPort promoted = new HostAndPort(replica.host(), replica.port());
                RedisTopology.await("the replica promoted", () -> {
                    try (Jedis j = RedisClients.jedis(redis.connection())) {
                        return j.getClient().getPort() == promoted.getPort()
                                && j.info("replication").contains("role:master");
                    }
                });
                // Writes the old master took before Sentinel demoted it would be lost with it (replication is
                // asynchronous); from here on it refuses them (READONLY).
                RedisTopology.await("the old master demoted", () -> {
                    try (Jedis j = new Jedis(master.host(), master.port())) {
                        return j.info("replication").contains("role:slave");
                    }
                });
                // As the writer does: a write that meets the demoted master (READONLY) or none is an outage, retried.
                RedisTopology.await("a write after the failover", () -> {
                    try {
                        return store.write(row("after", 2_000));
                    } catch (RuntimeException e) {
                        assertThat(RedisStore.isOutage(e))
                                .as("%s is an outage", e)
                                .isTrue();
                        return false;
                    }
                });
            }
            try (Jedis newMaster = new Jedis(replica.host(), replica.port())) {
                assertThat(newMaster.hget("sentinel:failover", "f")).isEqualTo("after");
            }
        }
    }

    private static RedisHashWrite row(String value, long windowEnd) {
        return new RedisHashWrite(
                "sentinel:failover",
                new String[] {"f", "window_end"},
                new String[] {value, Long.toString(windowEnd)},
                600,
                windowEnd);
    }
}
