package io.waferflow.features;

import static io.waferflow.testing.TestDie.parsed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.model.DeviceTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-wafer stage: neighbour yield, the online ordering guard, final offline rows, and cleanup. */
class WaferFeatureFinalizerTest {

    private static final long MIN = 60_000;
    private static final long LATENESS = 30_000;
    private static final long QUIET = 10 * MIN;

    private final WaferWindowAggregator aggregator =
            WaferWindowAggregator.forSchema(io.waferflow.TestConfigs.features().schema(), 200);
    private KeyedOneInputStreamOperatorTestHarness<String, WaferWindowSummary, WaferFeatures> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WaferFeatureFinalizer(LATENESS, QUIET, false)),
                s -> s.features.waferId,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A fired window of the given tests, as the window operator would emit it. */
    private void fire(long windowStart, DeviceTest... tests) throws Exception {
        WaferWindowAccumulator acc = aggregator.createAccumulator();
        for (DeviceTest t : tests) {
            aggregator.add(t, acc);
        }
        WaferWindowSummary s = aggregator.getResult(acc);
        s.features.waferId = tests[0].waferId;
        s.features.windowStart = windowStart;
        s.features.windowEnd = windowStart + MIN;
        harness.processElement(new StreamRecord<>(s, s.features.windowEnd - 1));
    }

    private List<WaferFeatures> online() {
        List<WaferFeatures> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((WaferFeatures) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    private List<WaferFeatures> offline() {
        List<WaferFeatures> out = new ArrayList<>();
        var side = harness.getSideOutput(WaferFeatureFinalizer.OFFLINE);
        if (side != null) { // the harness creates the queue on the first side-output record
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void neighbourYieldUsesTheWaferDieMapAcrossWindows() throws Exception {
        // Window 0: a row of three dies at y=0: pass, fail, pass.
        fire(
                0,
                parsed("W", 1_000, 0, 0, true, 1.2, 50, 100),
                parsed("W", 2_000, 1, 0, false, 1.2, 50, 100),
                parsed("W", 3_000, 2, 0, true, 1.2, 50, 100));
        // Die (0,0): neighbours (1,0)=fail -> 0. Die (1,0): (0,0),(2,0) pass -> 1. Die (2,0): (1,0) fail -> 0.
        assertThat(online().get(0).neighborYieldAvg).isCloseTo(1.0 / 3, within(1e-12));

        // Window 1: die (1,1) passes; its neighbours are the three dies of window 0 -> 2/3.
        // Die (0,0) is retested and now passes; the latest test counts for its neighbours.
        fire(
                MIN,
                parsed("W", MIN + 1_000, 1, 1, true, 1.2, 50, 100),
                parsed("W", MIN + 2_000, 0, 0, true, 1.2, 50, 100));
        WaferFeatures w1 = online().get(1);
        // (1,1): neighbours (0,0)=pass(retest),(1,0)=fail,(2,0)=pass -> 2/3; (0,0): (1,0)=fail,(1,1)=pass -> 1/2.
        assertThat(w1.neighborYieldAvg).isCloseTo((2.0 / 3 + 0.5) / 2, within(1e-12));
        assertThat(w1.deviceCount).isEqualTo(2);
        assertThat(w1.yieldPct).isEqualTo(100.0);
    }

    @Test
    void neighbourYieldCountsOnlyTestsBeforeTheWindowEndWhateverTheyArrivedAfter() throws Exception {
        // Window 1 fires first: dies (1,0) and (1,1) pass, each the other's only tested neighbour: 1.0.
        fire(
                MIN,
                parsed("W", MIN + 1_000, 1, 0, true, 1.2, 50, 100),
                parsed("W", MIN + 30_000, 1, 1, true, 1.2, 50, 100));
        assertThat(online().get(0).neighborYieldAvg).isEqualTo(1.0);
        // Window 0 fires late with die (0,0), failing: its neighbours were tested after its end, so none count.
        fire(0, parsed("W", 1_000, 0, 0, false, 1.2, 50, 100));
        assertThat(online())
                .as("window 0 is older than what is online; window 1 is revised")
                .extracting(f -> f.windowStart)
                .containsExactly(MIN, MIN);
        WaferFeatures revisedWindow1 = online().get(1);
        // Die (0,0), tested before window 1's end, neighbours both its dies: (1/2 + 1/2) / 2.
        assertThat(revisedWindow1.revision).isEqualTo(1);
        assertThat(revisedWindow1.neighborYieldAvg).isEqualTo(0.5);

        harness.processWatermark(new Watermark(2 * MIN - 1 + LATENESS));
        assertThat(offline())
                .as("window 0 has no neighbour tested before 1:00; window 1 final as revised")
                .extracting(f -> f.windowStart + " rev" + f.revision + " " + f.neighborYieldAvg)
                .containsExactlyInAnyOrder("0 rev0 NaN", MIN + " rev1 0.5");
    }

    @Test
    void aRetestAfterTheWindowEndDoesNotChangeItsValue() throws Exception {
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100), parsed("W", 2_000, 1, 0, true, 1.2, 50, 100));
        // Die (1,0) retested failing in window 1, next to (0,0): window 0's value must stay 1.0, window 1 sees the
        // fail.
        fire(
                MIN,
                parsed("W", MIN + 1_000, 1, 0, false, 1.2, 50, 100),
                parsed("W", MIN + 2_000, 2, 0, true, 1.2, 50, 100));
        assertThat(online()).extracting(f -> f.windowStart + ":" + f.revision).containsExactly("0:0", MIN + ":0");
        // (1,0): neighbours (0,0) pass, (2,0) pass -> 1; (2,0): neighbour (1,0) latest before 2:00 fails -> 0.
        assertThat(online().get(1).neighborYieldAvg).isEqualTo(0.5);
        harness.processWatermark(new Watermark(2 * MIN - 1 + LATENESS));
        assertThat(offline())
                .extracting(f -> f.windowStart + ":" + f.neighborYieldAvg)
                .containsExactlyInAnyOrder("0:1.0", MIN + ":0.5");
    }

    @Test
    void aDieMapRestoredFromRelease010IsCarriedIntoTheDieHistories() throws Exception {
        // The state a 0.1.0 savepoint restores: the die map, latest test per die.
        var operator = (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) harness.getOperator();
        operator.setCurrentKey("W");
        org.apache.flink.api.common.state.MapState<Integer, Long> legacy = operator.getKeyedStateBackend()
                .getPartitionedState(
                        org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        WaferFeatureFinalizer.legacyDieMapDescriptor());
        legacy.put(DieKeys.key(0, 0), DieKeys.stamp(1_000, false));
        fire(MIN, parsed("W", MIN + 1_000, 1, 0, true, 1.2, 50, 100));
        assertThat(online().get(0).neighborYieldAvg)
                .as("die (0,0) failed before 1:00")
                .isEqualTo(0.0);
        operator.setCurrentKey("W");
        assertThat(legacy.isEmpty()).as("moved, not kept twice").isTrue();
    }

    @Test
    void offlineGetsOneFinalRowPerWindowAfterAllowedLateness() throws Exception {
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100));
        harness.processWatermark(new Watermark(MIN - 1));
        assertThat(online()).hasSize(1);
        assertThat(offline()).as("not final while late records may still come").isEmpty();

        // A late re-firing within lateness: online updated, revision 1.
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100), parsed("W", 5_000, 1, 0, false, 1.3, 50, 100));
        assertThat(online()).hasSize(2);
        assertThat(online().get(1).revision).isEqualTo(1);

        harness.processWatermark(new Watermark(MIN - 1 + LATENESS));
        assertThat(offline()).singleElement().satisfies(f -> {
            assertThat(f.revision).isEqualTo(1);
            assertThat(f.deviceCount).isEqualTo(2);
            assertThat(f.yieldPct).isEqualTo(50.0);
        });
    }

    @Test
    void lateRefiringOfAnOlderWindowNeverOverwritesANewerOneOnline() throws Exception {
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100));
        fire(MIN, parsed("W", MIN + 1_000, 1, 0, true, 1.2, 50, 100));
        // Die (5,0) is next to no die of window 1: window 1's value stays, only window 0 fires again.
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100), parsed("W", 2_000, 5, 0, false, 1.2, 50, 100));
        assertThat(online()).extracting(f -> f.windowStart).containsExactly(0L, MIN);

        harness.processWatermark(new Watermark(2 * MIN - 1 + LATENESS));
        assertThat(offline())
                .extracting(f -> f.windowStart + ":" + f.deviceCount)
                .containsExactlyInAnyOrder("0:2", MIN + ":1");
    }

    @Test
    void aWindowFinalizedAtTheOldQuietDeadlineIsStillWrittenOnTime() throws Exception {
        // Lateness 1 min, quiet 11 min: window [10, 11) min is final at 12 min - 1 ms, exactly the quiet deadline
        // set by window [0, 1) min. Replacing that deadline must not cancel the finalization.
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WaferFeatureFinalizer(MIN, 11 * MIN, false)),
                s -> s.features.waferId,
                Types.STRING);
        harness.open();
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100));
        fire(10 * MIN, parsed("W", 10 * MIN + 1_000, 1, 0, true, 1.2, 50, 100));
        harness.processWatermark(new Watermark(12 * MIN - 1));
        assertThat(offline()).extracting(f -> f.windowStart).containsExactlyInAnyOrder(0L, 10 * MIN);
    }

    @Test
    void sessionsThatOnlyOverlapAreBothWrittenMergedOnesReplaceWhatTheyContain() throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WaferFeatureFinalizer(LATENESS, QUIET, true)),
                s -> s.features.waferId,
                Types.STRING);
        harness.open();
        fireSession(3 * MIN, 5 * MIN, parsed("W", 3 * MIN, 0, 0, true, 1.2, 50, 100));
        // A late record opened a new session overlapping the finished one: both are real. (Its die is next to none of
        // the other session's, so that session's neighbour yield stays and it is not revised.)
        fireSession(4 * MIN, 6 * MIN, parsed("W", 4 * MIN, 5, 0, true, 1.2, 50, 100));
        // A merge: [7, 10) contains the earlier firing [7, 9) and replaces it, as a later revision.
        fireSession(7 * MIN, 9 * MIN, parsed("W", 7 * MIN, 2, 0, true, 1.2, 50, 100));
        fireSession(
                7 * MIN,
                10 * MIN,
                parsed("W", 7 * MIN, 2, 0, true, 1.2, 50, 100),
                parsed("W", 8 * MIN, 3, 0, true, 1.2, 50, 100));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(offline())
                .extracting(f -> f.windowStart / MIN + "-" + f.windowEnd / MIN + " rev" + f.revision)
                .containsExactlyInAnyOrder("3-5 rev0", "4-6 rev0", "7-10 rev1");
    }

    private void fireSession(long start, long end, DeviceTest... tests) throws Exception {
        WaferWindowAccumulator acc = aggregator.createAccumulator();
        for (DeviceTest t : tests) {
            aggregator.add(t, acc);
        }
        WaferWindowSummary s = aggregator.getResult(acc);
        s.features.waferId = tests[0].waferId;
        s.features.windowStart = start;
        s.features.windowEnd = end;
        harness.processElement(new StreamRecord<>(s, end - 1));
    }

    @Test
    void waferStateAndTimersAreGoneAfterTheWaferGoesQuiet() throws Exception {
        fire(0, parsed("W", 1_000, 0, 0, true, 1.2, 50, 100));
        fire(0 + MIN, parsed("W", MIN + 1_000, 1, 0, true, 1.2, 50, 100));
        fire(0, parsed("V", 1_000, 0, 0, true, 1.2, 50, 100));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(new Watermark(2 * MIN - 1 + QUIET));
        assertThat(offline()).hasSize(3);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
