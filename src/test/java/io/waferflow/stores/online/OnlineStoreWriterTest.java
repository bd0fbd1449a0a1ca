package io.waferflow.stores.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.StoreStatus;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * When the writer sends its batch to a real redis-server: when the batch is full, 100 ms after its first row, on a
 * watermark, and before a checkpoint barrier, so no row is only in memory when a checkpoint completes.
 */
class OnlineStoreWriterTest {

    private static final int BATCH = 3;

    private static LocalRedis redis;
    private static Jedis reader;
    private KeyedOneInputStreamOperatorTestHarness<String, RedisHashWrite, StoreStatus> harness;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.start();
        reader = RedisClients.jedis(redis.connection());
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        redis.close();
    }

    @BeforeEach
    void open() throws Exception {
        reader.flushAll();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new OnlineStoreWriter(redis.connection(), "online", BATCH), w -> w.key, Types.STRING);
        harness.setProcessingTime(1_000);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String wafer, long windowEnd) throws Exception {
        String key = "wf:g:v1:" + wafer;
        harness.processElement(
                new RedisHashWrite(
                        key,
                        new String[] {"yield_pct", "window_end"},
                        new String[] {Long.toString(windowEnd % 100), Long.toString(windowEnd)},
                        600,
                        windowEnd),
                0);
    }

    private long rows() {
        return reader.dbSize();
    }

    @Test
    void aFullBatchGoesAtOnce() throws Exception {
        send("W1", 1_000);
        send("W2", 1_000);
        assertThat(rows()).as("two rows wait for a third").isZero();
        send("W3", 1_000);
        assertThat(rows()).isEqualTo(3);
    }

    @Test
    void aNewerRowOfAKeyReplacesItsOlderOneInTheBatch() throws Exception {
        send("W1", 1_000);
        send("W1", 2_050);
        send("W2", 1_000);
        assertThat(rows()).as("two distinct keys do not fill a batch of three").isZero();
        send("W3", 1_000);
        assertThat(reader.hget("wf:g:v1:W1", "window_end")).isEqualTo("2050");
    }

    @Test
    void aBatchThatIsNotFullGoesOneHundredMillisecondsAfterItsFirstRow() throws Exception {
        send("W1", 1_000);
        harness.setProcessingTime(1_050);
        send("W2", 1_000);
        harness.setProcessingTime(1_099);
        assertThat(rows()).isZero();
        harness.setProcessingTime(1_100);
        assertThat(rows()).as("both rows, 100 ms after the first").isEqualTo(2);
    }

    @Test
    void aWatermarkWritesTheRowsOfTheWindowsItFiredWithoutWaitingForTheLinger() throws Exception {
        send("W1", 60_000);
        send("W2", 60_000);
        harness.processWatermark(60_000 + 10_000 - 1);
        assertThat(rows())
                .as("written at the watermark, the processing time still that of the first row")
                .isEqualTo(2);
        assertThat(harness.getOutput())
                .as("the watermark goes on after the rows")
                .last()
                .isEqualTo(new org.apache.flink.streaming.api.watermark.Watermark(69_999));
    }

    @Test
    void everyRowIsInRedisBeforeTheCheckpointBarrierGoesOn() throws Exception {
        send("W1", 1_000);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(rows()).isEqualTo(1);
        assertThat(PackedFeatures.flatten(reader.hgetAll("wf:g:v1:W1"))).containsEntry("yield_pct", "0");
    }

    @Test
    void theEndOfTheInputWritesWhatIsLeft() throws Exception {
        send("W1", 1_000);
        send("W2", 1_000);
        harness.endInput();
        assertThat(rows()).isEqualTo(2);
    }
}
