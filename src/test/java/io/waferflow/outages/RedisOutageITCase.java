package io.waferflow.outages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.RedisServerProcess;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 11 §3: Redis (a real redis-server with an append-only file) stopped for 30 s mid-stream and started again on
 * the same port. The job must not stop or restart (restart strategy none): rows wait in its state while Redis is away
 * and are written when it is back, so every wafer's online row ends equal to what an outage-free run writes (the
 * independent model's newest window per wafer); the offline store and the accounting are unaffected; and the outage is
 * visible: the P0 {@code online_store_down} alert is committed to the alert topic while Redis is still down, and
 * resolved once it is back.
 */
@Timeout(600)
class RedisOutageITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T16:00:00Z").toEpochMilli();
    private static final int BATCHES = 8;

    @TempDir
    Path tmp;

    /** Ten wafers of 180 dies, one die a second, a new wafer every 40 s, alternating between two partitions. */
    private static List<TestDie> traffic() {
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(41)
                .lot("LR")
                .wafers(10, "WR%d")
                .dies(180, 15)
                .starts(T0, 40_000)
                .failRate(0.1)
                .testTime(100, 40)
                .build());
        long last = dies.get(dies.size() - 1).time();
        // One die per partition ten minutes later: every window final.
        dies.add(TestDie.nominal(last + 600_000, "LR", "WRCLOCK0", 0, 0));
        dies.add(TestDie.nominal(last + 600_000, "LR", "WRCLOCK1", 0, 0));
        return dies;
    }

    private static void produce(List<TestDie> dies) throws Exception {
        SERVICES.produce(
                "redis-outage-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber() % 2);
    }

    @Test
    void redisStoppedFor30SecondsLosesNoOnlineRowAndRaisesAP0() throws Exception {
        List<TestDie> dies = traffic();
        int per = dies.size() / BATCHES;
        SERVICES.createTopics("redis-outage", 2);
        SERVICES.kafka().createTopic("redis-outage-alerts", 1);

        try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"))) {
            FeaturesJobConfig config = FeaturesJobRun.config(
                    SERVICES.kafka().bootstrapServers(),
                    redis.host(),
                    redis.port(),
                    tmp,
                    "redis-outage-in",
                    "redis-outage-violations",
                    "ro",
                    "alerts.sinks.kafka_topic=redis-outage-alerts",
                    "checkpointing.interval=1 s",
                    "feature_group.watermark.emit=per_record",
                    "feature_group.watermark.idleness=5 min");
            Configuration flink = FeaturesJobRun.flinkConfiguration(config); // riding the outage out, not restarting
            JobClient job = FeaturesJobRun.start(config, "redis-outage", flink, FeaturesJobSinks.production(config));

            produce(dies.subList(0, 3 * per));
            FeaturesJobRun.awaitRecordsIn(job, 3 * per);
            awaitRedisKeys(redis, 3);

            redis.stop();
            long stopped = System.currentTimeMillis();
            produce(dies.subList(3 * per, 6 * per));
            // The P0 arrives on the exactly-once alert topic during the outage: checkpoints go on without Redis.
            List<String> firing = new ArrayList<>();
            while (firing.isEmpty() && System.currentTimeMillis() - stopped < 25_000) {
                firing = alerts("FIRING");
                Thread.sleep(500);
            }
            assertThat(firing)
                    .as("P0 online_store_down committed while Redis is down")
                    .hasSize(1);
            assertThat(firing.get(0)).contains("\"severity\":\"P0\"").contains("127.0.0.1:" + redis.port());
            FeaturesJobRun.awaitRecordsIn(job, 6 * per);
            Thread.sleep(Math.max(0, 30_000 - (System.currentTimeMillis() - stopped)));
            redis.startAgain();

            produce(dies.subList(6 * per, dies.size()));
            FeaturesJobRun.awaitRecordsIn(job, dies.size());
            // Drain: every window fires, and rows still waiting for Redis are written before the job ends.
            JobProgress progress = new JobProgress(
                    FeaturesJobRun.drain(job, tmp.resolve("end")).getAllAccumulatorResults());

            ExpectedFeatures expected = ExpectedFeatures.compute(dies, 60_000, 30_000, 5_000);
            assertThat(progress.recordsIn).isEqualTo(dies.size());
            assertThat(progress.aggregated() + progress.quarantined)
                    .as("every record aggregated or quarantined")
                    .isEqualTo(dies.size());
            assertThat(progress.quarantined).isZero();
            try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
                for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                    Map<String, String> row =
                            PackedFeatures.flatten(jedis.hgetAll("ro:wafer_aggregates:v1:" + want.wafer));
                    assertThat(row.get("window_end")).as(want.wafer).isEqualTo(Long.toString(want.windowEnd));
                    assertThat(Double.parseDouble(row.get("device_count")))
                            .as(want.wafer)
                            .isEqualTo(want.features.get("device_count"));
                    assertThat(Double.parseDouble(row.get("vdd_mean")))
                            .as(want.wafer)
                            .isCloseTo(want.features.get("vdd_mean"), within(1e-9));
                }
            }
            Map<String, Map<String, Object>> rows = ParquetFiles.rowsByWindow(
                    tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"); // fails on a second row
            assertThat(rows.keySet()).isEqualTo(expected.rows.keySet());
            for (ExpectedFeatures.Row want : expected.rows.values()) {
                assertThat(((Number) rows.get(want.wafer + "@" + want.windowStart)
                                        .get("device_count"))
                                .doubleValue())
                        .as(want.wafer + "@" + want.windowStart)
                        .isEqualTo(want.features.get("device_count"));
            }
            assertThat(alerts("FIRING")).as("fired once").hasSize(1);
            assertThat(alerts("RESOLVED")).as("resolved once Redis answered").hasSize(1);
        }
    }

    /** The online-store alerts of one status on the alert topic (read committed). */
    private static List<String> alerts(String status) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("redis-outage-alerts")) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            if (json.contains("online_store_down") && json.contains("\"status\":\"" + status + "\"")) {
                out.add(json);
            }
        }
        return out;
    }

    private static void awaitRedisKeys(RedisServerProcess redis, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            while (jedis.keys("ro:wafer_aggregates:v1:*").size() < atLeast) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("fewer than " + atLeast + " online rows after a minute");
                }
                Thread.sleep(200);
            }
        }
    }
}
