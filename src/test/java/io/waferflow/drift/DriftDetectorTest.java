package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The drift operator on wafer-window distributions, in event time: no verdict while the baseline forms, stable while
 * nothing changes, drift in exactly the feature that shifted by 2.5 σ; the baseline survives a restore.
 */
class DriftDetectorTest {

    private static final long MIN = 60_000;
    private static final long WAFER_WINDOW = 5 * MIN;
    private static final long LATENESS = MIN;
    private static final long DRIFT_WINDOW = 30 * MIN;
    private static final String[] FEATURES = {"vdd", "idd", "frequency"};
    private static final double[] MEAN = {1.2, 50, 2000};
    private static final double[] STD = {0.02, 5, 100};

    private final FeaturesJobConfig config = TestConfigs.features(
            "drift.window=30 min",
            "drift.baseline.from=stream_records",
            "drift.baseline.records=3000",
            "drift.min_baseline=1000",
            "drift.min_current=200");
    private final Random random = new Random(7);

    private KeyedOneInputStreamOperatorTestHarness<String, WaferParameterWindow, DriftMetric> harness()
            throws Exception {
        DriftDetector detector = new DriftDetector(
                config.drift(), LATENESS, new WaferDistributionRules(2.0, 1.5, 0.01, 200), null, null);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(detector), w -> w.feature, Types.STRING);
    }

    /** Two wafers per 5-minute window, 150 devices each; feature 0 shifted by {@code vddShiftSigma} σ. */
    private void feedWaferWindows(
            KeyedOneInputStreamOperatorTestHarness<String, WaferParameterWindow, DriftMetric> h,
            long from,
            long to,
            double vddShiftSigma)
            throws Exception {
        for (long start = from; start < to; start += WAFER_WINDOW) {
            for (int wafer = 0; wafer < 2; wafer++) {
                for (int f = 0; f < FEATURES.length; f++) {
                    double[] values = new double[150];
                    double shift = f == 0 ? vddShiftSigma * STD[f] : 0;
                    for (int i = 0; i < values.length; i++) {
                        values[i] = MEAN[f] + shift + STD[f] * random.nextGaussian();
                    }
                    WaferParameterWindow w = new WaferParameterWindow();
                    w.feature = FEATURES[f];
                    w.waferId = "W" + wafer;
                    w.lotId = "L1";
                    w.windowStart = start;
                    w.windowEnd = start + WAFER_WINDOW;
                    w.deviceCount = values.length;
                    w.distribution = Distribution.ofValues(values, 200);
                    // Emitted when final: at the window's end plus the allowed lateness.
                    h.processElement(new StreamRecord<>(w, w.windowEnd - 1 + LATENESS));
                }
            }
            h.processWatermark(new Watermark(start + WAFER_WINDOW - 1 + LATENESS));
        }
    }

    private static List<DriftMetric> metrics(KeyedOneInputStreamOperatorTestHarness<String, ?, DriftMetric> h) {
        return h.extractOutputValues();
    }

    @Test
    void detectsAShiftedFeatureAndOnlyIt() throws Exception {
        try (var h = harness()) {
            h.open();
            // 0:00–1:00 builds the baseline: 1800 values per feature per drift window, complete after the second.
            feedWaferWindows(h, 0, 60 * MIN, 0);
            List<DriftMetric> forming = metrics(h);
            assertThat(forming).hasSize(2 * FEATURES.length);
            assertThat(forming).allSatisfy(m -> assertThat(m.verdict).isEqualTo(DriftVerdict.INSUFFICIENT_DATA));
            assertThat(forming.get(forming.size() - 1).nBaseline).isEqualTo(3600);

            // 1:00–1:30 unchanged: stable everywhere.
            feedWaferWindows(h, 60 * MIN, 90 * MIN, 0);
            List<DriftMetric> stable =
                    metrics(h).subList(forming.size(), metrics(h).size());
            assertThat(stable).hasSize(FEATURES.length);
            assertThat(stable)
                    .allSatisfy(m -> assertThat(m.verdict).as(m.toString()).isEqualTo(DriftVerdict.STABLE));
            assertThat(stable)
                    .allSatisfy(m ->
                            assertThat(m.baselineId).isEqualTo("stream:1970-01-01T00:00:00Z..1970-01-01T01:00:00Z"));

            // 1:30–2:00: vdd shifted by 2.5 σ.
            int before = metrics(h).size();
            feedWaferWindows(h, 90 * MIN, 120 * MIN, 2.5);
            Map<String, DriftMetric> last = metrics(h)
                    .subList(before, metrics(h).size())
                    .stream()
                    .collect(Collectors.toMap(m -> m.feature, m -> m));
            assertThat(last.keySet()).containsExactlyInAnyOrder(FEATURES);
            DriftMetric vdd = last.get("vdd");
            assertThat(vdd.verdict).as(vdd.toString()).isEqualTo(DriftVerdict.DRIFT);
            assertThat(vdd.shiftSigma).isBetween(2.3, 2.7);
            assertThat(vdd.nCurrent).isEqualTo(1800);
            assertThat(vdd.windowStart).isEqualTo(90 * MIN);
            assertThat(vdd.windowEnd).isEqualTo(120 * MIN);
            assertThat(last.get("idd").verdict).isEqualTo(DriftVerdict.STABLE);
            assertThat(last.get("frequency").verdict).isEqualTo(DriftVerdict.STABLE);

            // The shifted wafer windows are distribution-shift quality events (> 2 baseline σ), for vdd only.
            List<QualityEvent> shifts = h.getSideOutput(DriftDetector.QUALITY_EVENTS).stream()
                    .map(StreamRecord::getValue)
                    .filter(e -> e.type.equals(QualityEvent.DISTRIBUTION_SHIFT))
                    .collect(Collectors.toList());
            assertThat(shifts).hasSize(12); // 6 wafer windows × 2 wafers
            assertThat(shifts).allSatisfy(e -> assertThat(e.field).isEqualTo("vdd"));
            assertThat(shifts).allSatisfy(e -> assertThat(e.windowStart).isGreaterThanOrEqualTo(90 * MIN));
        }
    }

    @Test
    void aFileBaselineJudgesTheFirstWindow() throws Exception {
        Map<String, Distribution> file = new java.util.HashMap<>();
        for (int f = 0; f < FEATURES.length; f++) {
            double[] history = new double[50_000];
            for (int i = 0; i < history.length; i++) {
                history[i] = MEAN[f] + STD[f] * random.nextGaussian();
            }
            file.put(FEATURES[f], Distribution.ofValues(history, 200));
        }
        DriftDetector detector = new DriftDetector(
                config.drift(), LATENESS, new WaferDistributionRules(2.0, 1.5, 0.01, 200), file, "file:history.json");
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(detector), (WaferParameterWindow w) -> w.feature, Types.STRING)) {
            h.open();
            feedWaferWindows(h, 0, 30 * MIN, 2.5);
            Map<String, DriftMetric> first = metrics(h).stream().collect(Collectors.toMap(m -> m.feature, m -> m));
            assertThat(first.get("vdd").verdict).isEqualTo(DriftVerdict.DRIFT);
            assertThat(first.get("idd").verdict).isEqualTo(DriftVerdict.STABLE);
            assertThat(first.values()).allSatisfy(m -> {
                assertThat(m.baselineId).isEqualTo("file:history.json");
                assertThat(m.nBaseline).isEqualTo(50_000);
            });
        }
    }

    @Test
    void theBaselineSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            feedWaferWindows(h, 0, 60 * MIN, 0);
            snapshot = h.snapshot(1, 60 * MIN);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            feedWaferWindows(h, 60 * MIN, 90 * MIN, 2.5);
            List<DriftMetric> after = new ArrayList<>(metrics(h));
            assertThat(after).hasSize(FEATURES.length);
            assertThat(after).allSatisfy(m -> assertThat(m.nBaseline).isEqualTo(3600));
            assertThat(after.stream()
                            .filter(m -> m.verdict == DriftVerdict.DRIFT)
                            .map(m -> m.feature))
                    .containsExactly("vdd");
        }
    }

    /**
     * Issue 19: the same wafer windows arriving in another order (as two upstream subtasks' timing decides) give the
     * same drift metrics, bit for bit, beyond the exact bound (3,600 values per drift window side: sketched). With the
     * arrival-order merge this fails (means' last bits, and PSI and KS from differently compacted sketches).
     */
    @Test
    void theMergeOrderDoesNotDependOnArrivalOrder() throws Exception {
        // Per 5-minute wafer window (one watermark step), four wafers' windows of every feature, 150 values each.
        List<List<WaferParameterWindow>> steps = new ArrayList<>();
        for (long start = 0; start < 120 * MIN; start += WAFER_WINDOW) {
            List<WaferParameterWindow> step = new ArrayList<>();
            for (int wafer = 0; wafer < 4; wafer++) {
                for (int f = 0; f < FEATURES.length; f++) {
                    double[] values = new double[150];
                    double shift = start >= 90 * MIN && f == 0 ? 0.3 * STD[f] : 0;
                    for (int i = 0; i < values.length; i++) {
                        values[i] = MEAN[f] + shift + STD[f] * random.nextGaussian();
                    }
                    WaferParameterWindow w = new WaferParameterWindow();
                    w.feature = FEATURES[f];
                    w.waferId = "W" + wafer;
                    w.lotId = "L1";
                    w.windowStart = start;
                    w.windowEnd = start + WAFER_WINDOW;
                    w.deviceCount = values.length;
                    w.distribution = Distribution.ofValues(values, 200);
                    step.add(w);
                }
            }
            steps.add(step);
        }
        Random shuffle = new Random(11);
        List<List<String>> outputs = new ArrayList<>();
        for (boolean shuffled : new boolean[] {false, true}) {
            try (var h = harness()) {
                h.open();
                for (List<WaferParameterWindow> step : steps) {
                    List<WaferParameterWindow> arrival = new ArrayList<>(step);
                    if (shuffled) {
                        java.util.Collections.shuffle(arrival, shuffle);
                    }
                    for (WaferParameterWindow w : arrival) {
                        h.processElement(new StreamRecord<>(w, w.windowEnd - 1 + LATENESS));
                    }
                    h.processWatermark(new Watermark(step.get(0).windowEnd - 1 + LATENESS));
                }
                List<DriftMetric> judged = metrics(h).stream()
                        .filter(m -> m.verdict != DriftVerdict.INSUFFICIENT_DATA)
                        .collect(Collectors.toList());
                assertThat(judged).hasSize(3 * FEATURES.length);
                assertThat(judged).allSatisfy(m -> {
                    assertThat(m.nCurrent).isEqualTo(3600);
                    assertThat(m.exact).as("sketched beyond the exact bound").isFalse();
                });
                outputs.add(metrics(h).stream()
                        .map(m -> m.feature + "@" + m.windowStart + " " + m.verdict + " n " + m.nBaseline + "/"
                                + m.nCurrent + " mean " + m.baselineMean + "/" + m.currentMean + " std "
                                + m.baselineStd + "/" + m.currentStd + " psi " + m.psi + " D " + m.ksD + " p "
                                + m.ksPValue)
                        .sorted()
                        .collect(Collectors.toList()));
                // Every wafer window merged and every drift window judged: only the baselines are left.
                assertThat(h.numKeyedStateEntries()).isEqualTo(FEATURES.length);
            }
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }
}
