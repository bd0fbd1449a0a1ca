package io.waferflow.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.DeviceTestBatch;
import io.waferflow.model.FeatureColumns;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.ExpectedFeatures.Arrival;
import io.waferflow.testing.ExpectedFeatures.Windows;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LateArrivals;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a feature row depends only on the records before its window's end, whatever order they arrive in. The same
 * input (two wafers, failing dies, retests across window boundaries) goes through the job's window operator and
 * finalizer, chained by hand, in event-time order (what a backfill sees) and in 20 seeded arrival orders with records
 * up to 150 s late (within the 3-minute allowed lateness, so every order accepts every record), with a watermark per
 * record. Every order's final offline rows and final online rows must equal, column by column, the model's
 * ({@link ExpectedFeatures}, which specifies neighbour yield as of the window's end) and the in-order run's.
 */
class NeighbourYieldArrivalOrderTest {

    private static final long MIN = 60_000;
    private static final long LATENESS = 3 * MIN;
    private static final long BOUND = 5_000;
    private static final long MAX_DELAY = 150_000;
    private static final OutputTag<DeviceTestBatch> TOO_LATE = new OutputTag<>("too-late") {};

    /**
     * What the finalizer wrote: offline rows by wafer@start, and what an online store holding the newest would hold.
     */
    private record Output(Map<String, WaferFeatures> offline, Map<String, WaferFeatures> online, long recomputed) {}

    @Test
    void everyArrivalOrderGivesTheRowsOfTheInOrderRunAndTheModel() throws Exception {
        List<TestDie> inOrder = input();
        FeatureColumns columns =
                new FeatureColumns(io.waferflow.TestConfigs.features().schema().parameterNames());

        Output backfillLike = run(inOrder);
        ExpectedFeatures spec = ExpectedFeatures.simulate(arrivals(inOrder), 1, Windows.tumbling(MIN), LATENESS, BOUND);
        assertEqualsModel(backfillLike, spec, columns, "in event-time order");
        assertThat(spec.neighbourRecomputes).as("in order, nothing is revised").isZero();

        int lateAfterNewer = 0;
        long recomputed = 0;
        for (int seed = 1; seed <= 20; seed++) {
            List<TestDie> order = LateArrivals.heldBack(inOrder, 0.25, MAX_DELAY, new Random(seed));
            ExpectedFeatures model =
                    ExpectedFeatures.simulate(arrivals(order), 1, Windows.tumbling(MIN), LATENESS, BOUND);
            assertThat(model.tooLate)
                    .as("order " + seed + ": every record within lateness")
                    .isEmpty();
            Output out = run(order);
            assertEqualsModel(out, model, columns, "order " + seed);
            // The same rows as in event-time order: every column but the revision.
            assertThat(out.offline.keySet()).isEqualTo(backfillLike.offline.keySet());
            for (ExpectedFeatures.Row want : spec.rows.values()) {
                FeaturesJobRun.assertFeatures(
                        asColumns(out.offline.get(want.wafer + "@" + want.windowStart), columns), want);
            }
            for (ExpectedFeatures.Row want : spec.newestPerWafer().values()) {
                FeaturesJobRun.assertFeatures(asColumns(out.online.get(want.wafer), columns), want);
            }
            lateAfterNewer += model.lateAfterNewerWindow.size();
            recomputed += out.recomputed;
        }
        assertThat(lateAfterNewer)
                .as("records that re-fired a window after a newer one had fired")
                .isGreaterThan(20);
        assertThat(recomputed).as("rows revised for a late neighbour").isGreaterThan(20);
    }

    /** Two 64-die wafers (8 × 8), a die every 4 s, 90 s apart, 30 % failing; 20 retests 70–150 s later. */
    private static List<TestDie> input() {
        Random random = new Random(14);
        List<TestDie> dies = TestWafers.drawingFrom(random)
                .wafers(2, "W%d")
                .dies(64, 8)
                .starts(0, 90_000)
                .dieEvery(4_000)
                .failRate(0.3)
                .build();
        return LateArrivals.withRetests(dies, 20, random);
    }

    private static List<Arrival> arrivals(List<TestDie> order) {
        return order.stream().map(d -> new Arrival(0, d, false)).toList();
    }

    /** The job's wafer window and finalizer, fed one record at a time with a watermark after each (per_record). */
    private static Output run(List<TestDie> order) throws Exception {
        try (var window = WaferWindowOperatorTest.tumblingWindow(MIN, LATENESS, TOO_LATE);
                var finalizer = new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new WaferFeatureFinalizer(LATENESS, 60 * MIN, false)),
                        (WaferWindowSummary s) -> s.features.waferId,
                        Types.STRING)) {
            window.open();
            finalizer.open();
            long maxSeen = Long.MIN_VALUE;
            for (TestDie d : order) {
                window.processElement(new StreamRecord<>(DeviceTestBatch.of(d.deviceTest()), d.time()));
                maxSeen = Math.max(maxSeen, d.time());
                window.processWatermark(new Watermark(maxSeen - BOUND - 1));
                forward(window, finalizer);
            }
            window.processWatermark(new Watermark(Long.MAX_VALUE));
            forward(window, finalizer);
            assertThat(window.getSideOutput(TOO_LATE)).as("too late").isNullOrEmpty();

            Map<String, WaferFeatures> offline = new TreeMap<>();
            finalizer.getSideOutput(WaferFeatureFinalizer.OFFLINE).forEach(r -> {
                WaferFeatures f = r.getValue();
                assertThat(offline.put(f.waferId + "@" + f.windowStart, f))
                        .as("one offline row per window")
                        .isNull();
            });
            Map<String, WaferFeatures> online = new TreeMap<>();
            for (Object o : finalizer.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof WaferFeatures f) {
                    // As the online store's write script: a row replaces the stored one unless that one is newer.
                    online.merge(
                            f.waferId,
                            f,
                            (stored, next) -> stored.windowEnd > next.windowEnd
                                            || (stored.windowEnd == next.windowEnd && stored.revision > next.revision)
                                    ? stored
                                    : next);
                }
            }
            long recomputed = (Long) finalizer
                    .getEnvironment()
                    .getAccumulatorRegistry()
                    .getUserMap()
                    .get(PipelineCounter.NEIGHBOUR_RECOMPUTED_ROWS)
                    .getLocalValue();
            return new Output(offline, online, recomputed);
        }
    }

    private static void forward(
            KeyedOneInputStreamOperatorTestHarness<String, DeviceTestBatch, WaferWindowSummary> window,
            KeyedOneInputStreamOperatorTestHarness<String, WaferWindowSummary, WaferFeatures> finalizer)
            throws Exception {
        Object o;
        while ((o = window.getOutput().poll()) != null) {
            if (o instanceof StreamRecord<?> r) {
                @SuppressWarnings("unchecked")
                StreamRecord<WaferWindowSummary> summary = (StreamRecord<WaferWindowSummary>) r;
                finalizer.processElement(summary);
            } else if (o instanceof Watermark w) {
                finalizer.processWatermark(w);
            }
        }
    }

    private static void assertEqualsModel(Output out, ExpectedFeatures model, FeatureColumns columns, String what) {
        assertThat(out.offline.keySet()).as(what + ": offline windows").isEqualTo(model.rows.keySet());
        for (ExpectedFeatures.Row want : model.rows.values()) {
            WaferFeatures got = out.offline.get(want.wafer + "@" + want.windowStart);
            assertThat(got.windowEnd).as(what).isEqualTo(want.windowEnd);
            assertThat(got.revision)
                    .as(what + " " + want.wafer + "@" + want.windowStart + " revision")
                    .isEqualTo(want.revision);
            FeaturesJobRun.assertFeatures(asColumns(got, columns), want);
        }
        assertThat(out.recomputed).as(what + ": neighbour_recomputed_rows").isEqualTo(model.neighbourRecomputes);
        for (ExpectedFeatures.Row want : model.newestPerWafer().values()) {
            WaferFeatures got = out.online.get(want.wafer);
            assertThat(got.windowStart).as(what + " online " + want.wafer).isEqualTo(want.windowStart);
            assertThat(got.revision)
                    .as(what + " online " + want.wafer + " revision")
                    .isEqualTo(want.revision);
            FeaturesJobRun.assertFeatures(asColumns(got, columns), want);
        }
    }

    /** A row's feature columns by name, null for no value, as the offline store writes them. */
    private static Map<String, Object> asColumns(WaferFeatures f, FeatureColumns columns) {
        Map<String, Object> m = new HashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            double v = columns.value(f, c);
            m.put(columns.names().get(c), Double.isNaN(v) ? null : v);
        }
        return m;
    }
}
