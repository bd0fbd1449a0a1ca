package io.waferflow.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A wafer's tests reach the window operator in batches that each fall in one set of windows, every window's tests in
 * arrival order, and every batch before the next watermark or checkpoint barrier: nothing is held back or reordered.
 */
class WindowBatchesTest {

    private static final WindowAssigner<Object, TimeWindow> TUMBLING_10 =
            TumblingEventTimeWindows.of(Duration.ofMillis(10));

    private static DeviceTest test(String wafer, long time) {
        DeviceTest t = new DeviceTest();
        t.waferId = wafer;
        t.eventTime = time;
        t.parameters = new double[] {time, 2 * time};
        return t;
    }

    private static OneInputStreamOperatorTestHarness<DeviceTest, DeviceTestBatch> harness(
            WindowAssigner<Object, TimeWindow> assigner, long maxValues) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new WindowBatches(assigner, maxValues, false));
        h.open();
        return h;
    }

    private static void send(OneInputStreamOperatorTestHarness<DeviceTest, DeviceTestBatch> h, String wafer, long time)
            throws Exception {
        h.processElement(new StreamRecord<>(test(wafer, time), time));
    }

    /** The output as text: a batch as {@code wafer[times]@timestamp}, a watermark as {@code W<time>}. */
    private static List<String> output(OneInputStreamOperatorTestHarness<DeviceTest, DeviceTestBatch> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark) {
                out.add("W" + ((Watermark) o).getTimestamp());
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<DeviceTestBatch> r = (StreamRecord<DeviceTestBatch>) o;
                long[] times = Arrays.stream(r.getValue().tests)
                        .mapToLong(t -> t.eventTime)
                        .toArray();
                out.add(r.getValue().waferId + Arrays.toString(times) + "@" + r.getTimestamp());
            }
        }
        return out;
    }

    @Test
    void aWafersRunOfTestsInOneWindowIsOneBatchSentBeforeTheWatermark() throws Exception {
        try (var h = harness(TUMBLING_10, 1_000)) {
            send(h, "A", 1);
            send(h, "A", 2);
            send(h, "B", 3);
            send(h, "A", 5);
            assertThat(output(h)).as("held until the watermark").isEmpty();
            h.processWatermark(new Watermark(9));
            assertThat(output(h)).containsExactly("A[1, 2, 5]@1", "B[3]@3", "W9");
        }
    }

    @Test
    void aTestOfAnotherWindowSendsItsWafersOpenBatchFirstSoEachWindowKeepsArrivalOrder() throws Exception {
        try (var h = harness(TUMBLING_10, 1_000)) {
            send(h, "A", 8);
            send(h, "A", 12); // window [10, 20): A's batch of [0, 10) goes on now
            send(h, "A", 9); // [0, 10) again, out of order: A's [10, 20) batch goes on first
            send(h, "A", 13);
            h.processWatermark(new Watermark(9));
            assertThat(output(h)).containsExactly("A[8]@8", "A[12]@12", "A[9]@9", "A[13]@13", "W9");
        }
    }

    @Test
    void aTestOfAWindowThatHasFiredGoesOnAloneAsTheWindowFiresAgainForEachOne() throws Exception {
        try (var h = harness(TUMBLING_10, 1_000)) {
            send(h, "A", 12);
            h.processWatermark(new Watermark(9)); // [0, 10) has fired
            send(h, "A", 13);
            send(h, "A", 5); // late: A's open batch of [10, 20) first, then the late test alone
            send(h, "A", 6);
            send(h, "A", 14);
            h.processWatermark(new Watermark(15));
            assertThat(output(h)).containsExactly("A[12]@12", "W9", "A[13]@13", "A[5]@5", "A[6]@6", "A[14]@14", "W15");
        }
    }

    @Test
    void slidingWindowsBatchOnlyTestsThatShareEveryWindow() throws Exception {
        // Size 10, slide 5: [0, 5) and [5, 10) are panes of different window sets.
        try (var h = harness(SlidingEventTimeWindows.of(Duration.ofMillis(10), Duration.ofMillis(5)), 1_000)) {
            send(h, "A", 1);
            send(h, "A", 4);
            send(h, "A", 6);
            send(h, "A", 7);
            h.processWatermark(new Watermark(4));
            assertThat(output(h)).containsExactly("A[1, 4]@1", "A[6, 7]@6", "W4");
        }
    }

    @Test
    void sessionWindowsGetOneTestPerBatchAtOnce() throws Exception {
        try (var h = harness(EventTimeSessionWindows.withGap(Duration.ofMillis(10)), 1_000)) {
            send(h, "A", 1);
            send(h, "A", 2);
            assertThat(output(h)).containsExactly("A[1]@1", "A[2]@2");
        }
    }

    @Test
    void aCheckpointBarrierFindsNothingHeldSoTheOperatorHasNoState() throws Exception {
        try (var h = harness(TUMBLING_10, 1_000)) {
            send(h, "A", 1);
            send(h, "B", 2);
            h.prepareSnapshotPreBarrier(1);
            assertThat(output(h)).containsExactly("A[1]@1", "B[2]@2");
        }
    }

    @Test
    void theMemoryBoundSendsEveryOpenBatch() throws Exception {
        // Each test holds 3 values (two parameters and the test): the fourth test reaches 12.
        try (var h = harness(TUMBLING_10, 12)) {
            send(h, "A", 1);
            send(h, "B", 2);
            send(h, "A", 3);
            assertThat(output(h)).isEmpty();
            send(h, "B", 4);
            assertThat(output(h)).containsExactly("A[1, 3]@1", "B[2, 4]@2");
            send(h, "A", 5);
            h.processWatermark(new Watermark(9));
            assertThat(output(h)).containsExactly("A[1, 3]@1", "B[2, 4]@2", "A[5]@5", "W9");
        }
    }

    @Test
    void theEndOfInputSendsEveryOpenBatch() throws Exception {
        try (var h = harness(TUMBLING_10, 1_000)) {
            send(h, "A", 1);
            h.endInput();
            h.getOneInputOperator().finish();
            assertThat(output(h)).containsExactly("A[1]@1");
        }
    }
}
