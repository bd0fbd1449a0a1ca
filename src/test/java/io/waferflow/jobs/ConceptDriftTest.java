package io.waferflow.jobs;

import static io.waferflow.testing.GeneratedPredictions.classification;
import static io.waferflow.testing.GeneratedPredictions.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import io.waferflow.model.WaferParameterWindow;
import io.waferflow.monitor.PredictionWindowAggregator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.DoubleStream;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concept drift of one model version's scores, through the two operators {@link ModelDrift} chains (window
 * distributions, then the drift detector): no verdict while the reference forms, stable for unchanged scores, drift for
 * shifted ones. Samples stay below the sketch size, so both sides are exact and KS D, its p-value (Commons Math's
 * two-sample test on the raw scores) and PSI (over the reference's deciles, counted here) are known independently.
 */
class ConceptDriftTest {

    private static final long WINDOW = 15 * 60_000;
    private static final int REFERENCE = 100;

    private final Random random = new Random(3);

    private KeyedOneInputStreamOperatorTestHarness<String, LabeledPrediction, WaferParameterWindow> windows;
    private KeyedOneInputStreamOperatorTestHarness<String, WaferParameterWindow, DriftMetric> detector;

    /** The two operators as the job builds them, with a reference of 100 values and a verdict from 50. */
    private void open(String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "monitor.window=15 min",
                "monitor.prediction_drift.min_reference=" + REFERENCE,
                "monitor.prediction_drift.min_current=50"));
        settings.addAll(List.of(overrides));
        FeaturesJobConfig config = TestConfigs.features(settings);
        windows = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(ModelDrift.windows(config)), lp -> lp.prediction.modelKey(), Types.STRING);
        detector = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(ModelDrift.conceptDetector(config)), w -> w.feature, Types.STRING);
        windows.open();
        detector.open();
    }

    @AfterEach
    void close() throws Exception {
        windows.close();
        detector.close();
    }

    /** Scores ~ N(mean, 0.05) in window {@code index}; returns them. */
    private double[] scores(int count, double mean) {
        return DoubleStream.generate(() -> mean + 0.05 * random.nextGaussian())
                .limit(count)
                .toArray();
    }

    /** Feeds one window's predictions, then the watermark at its end through both operators; returns new metrics. */
    private List<DriftMetric> window(int index, double[] scores) throws Exception {
        long start = index * WINDOW;
        for (int i = 0; i < scores.length; i++) {
            Prediction p = classification(
                    "yield_class", "1", index + "-" + i, start + i * 1000L, scores[i], new String[0], new double[0]);
            windows.processElement(new StreamRecord<>(unlabeled(p), p.eventTime));
        }
        long end = start + WINDOW;
        int before = detector.extractOutputValues().size();
        windows.processWatermark(new Watermark(end - 1));
        var emitted = windows.getSideOutput(PredictionWindowAggregator.PREDICTIONS);
        for (StreamRecord<WaferParameterWindow> w = emitted.poll(); w != null; w = emitted.poll()) {
            detector.processElement(new StreamRecord<>(w.getValue(), end - 1));
        }
        detector.processWatermark(new Watermark(end - 1));
        List<DriftMetric> all = detector.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    @Test
    void shiftedScoresDriftUnchangedOnesStayStable() throws Exception {
        open();
        double[] first = scores(50, 0.8);
        double[] second = scores(50, 0.8);
        for (List<DriftMetric> m : List.of(window(0, first), window(1, second))) {
            assertThat(m).singleElement().satisfies(metric -> {
                assertThat(metric.feature).isEqualTo("yield_class/1:prediction");
                assertThat(metric.verdict).isEqualTo(DriftVerdict.INSUFFICIENT_DATA);
            });
        }
        double[] reference = concat(first, second);

        double[] unchanged = scores(80, 0.8);
        DriftMetric stable = window(2, unchanged).get(0);
        assertMatchesIndependentTest(stable, reference, unchanged);
        assertThat(stable.verdict).as(stable.toString()).isEqualTo(DriftVerdict.STABLE);

        double[] shifted = scores(80, 0.7);
        DriftMetric drift = window(3, shifted).get(0);
        assertMatchesIndependentTest(drift, reference, shifted);
        assertThat(drift.verdict).as(drift.toString()).isEqualTo(DriftVerdict.DRIFT);
        assertThat(drift.windowStart).isEqualTo(3 * WINDOW);
        assertThat(drift.windowEnd).isEqualTo(4 * WINDOW);

        // The reference stays what the first two windows held: the shift does not become the new normal.
        DriftMetric later = window(4, scores(80, 0.7)).get(0);
        assertThat(later.verdict).isEqualTo(DriftVerdict.DRIFT);
        assertThat(later.nBaseline).isEqualTo(REFERENCE);
        assertThat(later.baselineId)
                .isEqualTo(stable.baselineId)
                .isEqualTo("stream:1970-01-01T00:00:00Z..1970-01-01T00:30:00Z");
    }

    @Test
    void aWindowBelowTheMinimumGetsNoVerdict() throws Exception {
        open();
        window(0, scores(REFERENCE, 0.8));
        DriftMetric small = window(1, scores(49, 0.5)).get(0);
        assertThat(small.nCurrent).isEqualTo(49);
        assertThat(small.verdict).isEqualTo(DriftVerdict.INSUFFICIENT_DATA);
    }

    @Test
    void aRollingReferenceTakesAShiftAsTheNewNormalAfterItsWindows() throws Exception {
        open("monitor.prediction_drift.rolling_windows=2");
        double[] w0 = scores(60, 0.8);
        double[] w1 = scores(60, 0.8);
        assertThat(window(0, w0).get(0).verdict).isEqualTo(DriftVerdict.INSUFFICIENT_DATA); // no reference yet
        assertThat(window(1, w1).get(0).verdict).isEqualTo(DriftVerdict.INSUFFICIENT_DATA); // 60 < 100 values
        double[] w2 = scores(60, 0.8);
        DriftMetric stable = window(2, w2).get(0);
        assertMatchesIndependentTest(stable, concat(w0, w1), w2);
        assertThat(stable.verdict).as(stable.toString()).isEqualTo(DriftVerdict.STABLE);
        assertThat(stable.baselineId).isEqualTo("rolling:1970-01-01T00:00:00Z..1970-01-01T00:30:00Z");

        double[] w3 = scores(60, 0.7);
        DriftMetric drift = window(3, w3).get(0);
        assertMatchesIndependentTest(drift, concat(w1, w2), w3);
        assertThat(drift.verdict).as(drift.toString()).isEqualTo(DriftVerdict.DRIFT);

        // Two shifted windows later the reference is all shifted: stable again.
        double[] w4 = scores(60, 0.7);
        window(4, w4);
        double[] w5 = scores(60, 0.7);
        DriftMetric absorbed = window(5, w5).get(0);
        assertMatchesIndependentTest(absorbed, concat(w3, w4), w5);
        assertThat(absorbed.verdict).as(absorbed.toString()).isEqualTo(DriftVerdict.STABLE);
        assertThat(absorbed.baselineId).isEqualTo("rolling:1970-01-01T00:45:00Z..1970-01-01T01:15:00Z");
        assertThat(detector.numKeyedStateEntries())
                .as("the baseline and the rolling windows; no window left open")
                .isEqualTo(2);
    }

    /** KS D and p from Commons Math on the raw values, PSI counted over the reference's deciles, the verdict's rule. */
    private void assertMatchesIndependentTest(DriftMetric m, double[] reference, double[] current) {
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        double d = ks.kolmogorovSmirnovStatistic(reference, current);
        double p = ks.kolmogorovSmirnovTest(reference, current, false); // P(D ≥ d), exact: n · m < 10,000
        double psi = psi(reference, current);
        assertThat(m.exact).isTrue();
        assertThat(m.nBaseline).isEqualTo(reference.length);
        assertThat(m.nCurrent).isEqualTo(current.length);
        assertThat(m.ksD).isCloseTo(d, within(1e-12));
        assertThat(m.ksDLower).isCloseTo(d, within(1e-12));
        assertThat(m.ksPValueConservative).isCloseTo(p, within(1e-9));
        assertThat(m.psi).isCloseTo(psi, within(1e-9));
        DriftVerdict expected = p >= 0.05
                ? DriftVerdict.STABLE
                : psi >= 0.25 ? DriftVerdict.DRIFT : psi >= 0.1 ? DriftVerdict.MODERATE : DriftVerdict.STABLE;
        assertThat(m.verdict).as("alpha 0.05, PSI bands 0.1 / 0.25: " + m).isEqualTo(expected);
    }

    /**
     * PSI over 10 bins cut at the reference's nearest-rank deciles (bins (−∞, c1], (c1, c2], …, (c9, ∞)), shares
     * counted on the raw values, an empty share floored at 1e-4.
     */
    private static double psi(double[] reference, double[] current) {
        double[] sorted = reference.clone();
        Arrays.sort(sorted);
        double[] cuts = new double[11];
        cuts[0] = Double.NEGATIVE_INFINITY;
        cuts[10] = Double.POSITIVE_INFINITY;
        for (int i = 1; i < 10; i++) {
            cuts[i] = sorted[(int) Math.ceil(i / 10.0 * sorted.length) - 1];
        }
        double psi = 0;
        for (int bin = 0; bin < 10; bin++) {
            double b = Math.max(share(reference, cuts[bin], cuts[bin + 1]), 1e-4);
            double c = Math.max(share(current, cuts[bin], cuts[bin + 1]), 1e-4);
            psi += (c - b) * Math.log(c / b);
        }
        return psi;
    }

    private static double share(double[] values, double above, double upTo) {
        return (double) Arrays.stream(values)
                        .filter(v -> v > above && v <= upTo)
                        .count()
                / values.length;
    }

    private static double[] concat(double[] a, double[] b) {
        return DoubleStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
    }
}
