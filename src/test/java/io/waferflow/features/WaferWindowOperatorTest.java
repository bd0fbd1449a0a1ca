package io.waferflow.features;

import static io.waferflow.testing.TestDie.parsed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wafer window built the way the job builds it (tumbling event time, allowed lateness, late side output,
 * {@link WaferWindowAggregator} + {@link StampWindow}), driven record by record with explicit watermarks.
 */
class WaferWindowOperatorTest {

    private static final long MIN = 60_000;
    private static final long LATENESS = 30_000;
    private static final OutputTag<DeviceTestBatch> TOO_LATE = new OutputTag<>("too-late") {};

    private KeyedOneInputStreamOperatorTestHarness<String, DeviceTestBatch, WaferWindowSummary> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = tumblingWindow(MIN, LATENESS, TOO_LATE);
        harness.open();
    }

    /**
     * The job's wafer window operator with tumbling windows (taken from a graph built as the job builds it), in a
     * harness not yet opened.
     */
    static KeyedOneInputStreamOperatorTestHarness<String, DeviceTestBatch, WaferWindowSummary> tumblingWindow(
            long sizeMs, long latenessMs, OutputTag<DeviceTestBatch> tooLate) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<WaferWindowSummary> windowed = env.fromData(
                        DeviceTestBatch.of(parsed("W", 0, 0, 0, true, 1.2, 50, 100)))
                .keyBy(b -> b.waferId)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(sizeMs)))
                .allowedLateness(Duration.ofMillis(latenessMs))
                .sideOutputLateData(tooLate)
                .aggregate(
                        WaferWindowAggregator.forSchema(
                                io.waferflow.TestConfigs.features().schema(), 200),
                        new StampWindow());
        Transformation<WaferWindowSummary> t = windowed.getTransformation();
        @SuppressWarnings("unchecked")
        OneInputStreamOperator<DeviceTestBatch, WaferWindowSummary> operator =
                (OneInputStreamOperator<DeviceTestBatch, WaferWindowSummary>)
                        ((OneInputTransformation<DeviceTestBatch, WaferWindowSummary>) t).getOperator();
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, b -> b.waferId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** One test in a batch of its own, as {@link WindowBatches} sends a test that no other test of its wafer joins. */
    private void send(DeviceTest d) throws Exception {
        harness.processElement(new StreamRecord<>(DeviceTestBatch.of(d), d.eventTime));
    }

    private List<WaferWindowSummary> fired() {
        List<WaferWindowSummary> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((WaferWindowSummary) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void firesOnceWhenTheWatermarkPassesTheWindowWithStatisticsOfItsRecordsInAnyOrder() throws Exception {
        double[] vdd = {1.21, 1.19, 1.25, 1.18, 1.22};
        // Out of order inside the window; one record of the next window in between.
        send(parsed("W", 40_000, 2, 0, true, vdd[2], 52, 120));
        send(parsed("W", 10_000, 0, 0, true, vdd[0], 50, 100));
        send(parsed("W", 70_000, 0, 1, true, 1.30, 49, 100));
        send(parsed("W", 20_000, 1, 0, false, vdd[1], 80, 60));
        send(parsed("W", 59_999, 4, 0, true, vdd[4], 51, 110));
        send(parsed("W", 50_000, 3, 0, true, vdd[3], 53, 130));
        assertThat(fired()).isEmpty();

        harness.processWatermark(new Watermark(MIN - 1));
        assertThat(fired()).singleElement().satisfies(s -> {
            assertThat(s.features.waferId).isEqualTo("W");
            assertThat(s.features.windowStart).isEqualTo(0);
            assertThat(s.features.windowEnd).isEqualTo(MIN);
            assertThat(s.features.deviceCount).isEqualTo(5);
            assertThat(s.features.yieldPct).as("4 of 5 passed").isEqualTo(80.0);
            assertThat(s.features.avgTestTimeMs).isCloseTo((100 + 60 + 120 + 130 + 110) / 5.0, within(1e-9));
            // Independent two-pass statistics.
            double mean = Arrays.stream(vdd).average().orElseThrow();
            double ss = Arrays.stream(vdd).map(v -> (v - mean) * (v - mean)).sum();
            assertThat(s.features.mean[0]).isCloseTo(mean, within(1e-12));
            assertThat(s.features.std[0]).isCloseTo(Math.sqrt(ss / 4), within(1e-12));
            assertThat(s.features.min[0]).isEqualTo(1.18);
            assertThat(s.features.max[0]).isEqualTo(1.25);
            // Nearest rank over sorted {1.18, 1.19, 1.21, 1.22, 1.25}: p50 = 3rd, p95 = 5th.
            assertThat(s.features.p50[0]).isEqualTo(1.21);
            assertThat(s.features.p95[0]).isEqualTo(1.25);
            assertThat(s.features.mean[3]).as("temperature never reported").isNaN();
            assertThat(s.dieKeys).hasSize(5);
        });
    }

    @Test
    void lateRecordWithinAllowedLatenessRefiresWithUpdatedValuesAndLaterOnesGoToTheSideOutput() throws Exception {
        send(parsed("W", 10_000, 0, 0, true, 1.20, 50, 100));
        harness.processWatermark(new Watermark(MIN - 1));
        assertThat(fired()).hasSize(1);

        send(parsed("W", 30_000, 1, 0, false, 1.30, 90, 50)); // late, within lateness
        List<WaferWindowSummary> out = fired();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).features.deviceCount).isEqualTo(2);
        assertThat(out.get(1).features.yieldPct).as("1 of 2 passed").isEqualTo(50.0);
        assertThat(out.get(1).features.mean[0]).isCloseTo(1.25, within(1e-12));

        harness.processWatermark(new Watermark(MIN - 1 + LATENESS));
        send(parsed("W", 45_000, 2, 0, true, 1.10, 40, 100)); // too late
        assertThat(fired()).hasSize(2);
        ConcurrentLinkedQueue<StreamRecord<DeviceTestBatch>> late = harness.getSideOutput(TOO_LATE);
        assertThat(late).extracting(r -> r.getValue().tests[0].eventTime).containsExactly(45_000L);
    }

    @Test
    void windowStateAndTimersAreGoneOnceTheWindowIsFinal() throws Exception {
        send(parsed("W", 10_000, 0, 0, true, 1.20, 50, 100));
        send(parsed("X", 20_000, 0, 0, true, 1.20, 50, 100));
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(new Watermark(MIN - 1 + LATENESS));
        assertThat(fired()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
