package io.waferflow.stores.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.local.services.LocalRedis;
import io.waferflow.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A row reaches a real redis-server in one atomic script call, and an older window never replaces a newer one. */
class RedisStoreWriteTest {

    private static LocalRedis redis;
    private static RedisStore store;
    private static Jedis reader;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.start();
        store = RedisStore.connect(redis.connection());
        reader = RedisClients.jedis(redis.connection());
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        store.close();
        redis.close();
    }

    @BeforeEach
    void empty() {
        reader.flushAll();
        reader.configResetStat();
    }

    /** A feature row's shape: {@code n} features, then the window metadata the guard reads. */
    private static RedisHashWrite row(int n, long windowEnd, int revision, String value) {
        return row("wf:test:W1", n, windowEnd, revision, value);
    }

    private static RedisHashWrite row(String key, int n, long windowEnd, int revision, String value) {
        String[] fields = new String[n + 2];
        String[] values = new String[n + 2];
        for (int i = 0; i < n; i++) {
            fields[i] = "f" + i;
            values[i] = value;
        }
        fields[n] = "window_end";
        values[n] = Long.toString(windowEnd);
        fields[n + 1] = "revision";
        values[n + 1] = Integer.toString(revision);
        return new RedisHashWrite(key, fields, values, 3600, windowEnd);
    }

    private static long calls(String command) {
        for (String line : reader.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                return Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
            }
        }
        return 0;
    }

    @Test
    void aRowOfFortyThreeFieldsIsOneScriptCallWithOneHset() {
        assertThat(store.write(row(41, 1_800_000_000_000L, 0, "1.5"))).isTrue();

        Map<String, String> stored = reader.hgetAll("wf:test:W1");
        assertThat(stored).hasSize(43).containsEntry("f0", "1.5").containsEntry("f40", "1.5");
        assertThat(stored).containsEntry("window_end", "1800000000000");
        assertThat(reader.ttl("wf:test:W1")).isBetween(3590L, 3600L);
        assertThat(calls("evalsha")).as("round trips for the row").isEqualTo(1);
        assertThat(calls("hset")).as("all fields in one HSET").isEqualTo(1);
        assertThat(calls("expire")).isEqualTo(1);
    }

    @Test
    void anOlderWindowNeverReplacesANewerOne() {
        assertThat(store.write(row(3, 2_000_000L, 0, "new"))).isTrue();
        assertThat(store.write(row(3, 1_000_000L, 5, "old")))
                .as("an older window, replayed")
                .isFalse();

        assertThat(reader.hgetAll("wf:test:W1"))
                .containsEntry("f0", "new")
                .containsEntry("window_end", "2000000")
                .containsEntry("revision", "0");
    }

    @Test
    void aLaterRevisionOfTheSameWindowReplacesAnEarlierOneNeverTheOtherWay() {
        assertThat(store.write(row(3, 2_000_000L, 2, "rev2"))).isTrue();
        assertThat(store.write(row(3, 2_000_000L, 1, "rev1"))).isFalse();
        assertThat(reader.hget("wf:test:W1", "f0")).isEqualTo("rev2");
        assertThat(store.write(row(3, 2_000_000L, 2, "rev2 again")))
                .as("a replay of the same row")
                .isTrue();
        assertThat(store.write(row(3, 2_000_000L, 3, "rev3"))).isTrue();
        assertThat(store.write(row(3, 3_000_000L, 0, "next window"))).isTrue();
        assertThat(reader.hget("wf:test:W1", "f0")).isEqualTo("next window");
    }

    @Test
    void aRedisRestartedSinceTheLastWriteIsNoOutage(@TempDir Path tmp) throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start(tmp);
                RedisStore restarted = RedisStore.connect(redis.connection().at(server.host(), server.port()))) {
            assertThat(restarted.write(row(2, 1_000L, 0, "before"))).isTrue();
            server.stop();
            server.startAgain(); // the pooled connection is dead, and the new server knows no script
            assertThat(restarted.write(row(2, 2_000L, 0, "after"))).isTrue();
            try (Jedis check = new Jedis(server.host(), server.port())) {
                assertThat(check.hget("wf:test:W1", "f0")).isEqualTo("after");
            }
        }
    }

    @Test
    void theScriptIsLoadedAgainAfterRedisForgetsIt() {
        assertThat(store.write(row(2, 1_000L, 0, "a"))).isTrue();
        reader.scriptFlush();
        assertThat(store.write(row(2, 2_000L, 0, "b"))).isTrue();
        assertThat(reader.hget("wf:test:W1", "f0")).isEqualTo("b");
    }

    @Test
    void aBatchWritesEveryRowAndAnswersPerRowWhetherItWasNewest() {
        assertThat(store.write(row("wf:test:W7", 3, 5_000L, 0, "stored later window")))
                .isTrue();
        List<RedisHashWrite> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            rows.add(row("wf:test:W" + i, 41, 4_000L, 0, "v" + i));
        }

        boolean[] written = store.writeAll(rows);

        for (int i = 0; i < 1_000; i++) {
            assertThat(written[i]).as("row %d", i).isEqualTo(i != 7);
        }
        assertThat(reader.hget("wf:test:W999", "f40")).isEqualTo("v999");
        assertThat(reader.hget("wf:test:W7", "f0")).isEqualTo("stored later window");
        assertThat(reader.dbSize()).isEqualTo(1_000);
        assertThat(calls("evalsha"))
                .as("the first row's call, then a call per %d rows", RedisStore.ROWS_PER_CALL)
                .isEqualTo(1 + 1_000 / RedisStore.ROWS_PER_CALL);
        assertThat(calls("hset")).as("one HSET per row written").isEqualTo(1_000);
    }

    @Test
    void aBatchAfterRedisForgotTheScriptWritesEveryRow() {
        reader.scriptFlush();
        List<RedisHashWrite> rows = List.of(row("wf:test:A", 2, 1_000L, 0, "a"), row("wf:test:B", 2, 1_000L, 0, "b"));

        assertThat(store.writeAll(rows)).containsExactly(true, true);
        assertThat(reader.hget("wf:test:A", "f0")).isEqualTo("a");
        assertThat(reader.hget("wf:test:B", "f1")).isEqualTo("b");
    }
}
