package io.waferflow.monitor;

import static io.waferflow.testing.GeneratedPredictions.classification;
import static io.waferflow.testing.GeneratedPredictions.labeled;
import static io.waferflow.testing.GeneratedPredictions.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.drift.Distribution;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The window distributions of one model version's predictions and inputs: emitted when the watermark passes the
 * window's end, with moments equal to a plain computation over the values that count (first emissions, scored, in
 * time); late predictions and unscored classifications counted; no state left behind.
 */
class PredictionWindowAggregatorTest {

    private static final long WINDOW = 15 * 60_000;
    private static final String[] INPUTS = {"vdd_mean", "idd_mean"};

    private final Random random = new Random(11);

    private static KeyedOneInputStreamOperatorTestHarness<String, LabeledPrediction, WaferParameterWindow> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PredictionWindowAggregator(WINDOW, 200)),
                lp -> lp.prediction.modelKey(),
                Types.STRING);
    }

    private Prediction prediction(int i, long time) {
        double[] inputs = {1.2 + 0.02 * random.nextGaussian(), 0.0021 + 0.0001 * random.nextGaussian()};
        return classification("m", "1", "W" + i, time, 0.5 + 0.5 * random.nextDouble(), INPUTS, inputs);
    }

    /** Everything emitted so far: the inputs' windows (main output) and the predictions' (side output). */
    private static List<WaferParameterWindow> emitted(
            KeyedOneInputStreamOperatorTestHarness<String, LabeledPrediction, WaferParameterWindow> h) {
        List<WaferParameterWindow> all = new ArrayList<>(h.extractOutputValues());
        var predictions = h.getSideOutput(PredictionWindowAggregator.PREDICTIONS);
        if (predictions != null) {
            predictions.forEach(r -> all.add(r.getValue()));
        }
        return all;
    }

    private static Map<String, WaferParameterWindow> byFeature(List<WaferParameterWindow> windows) {
        return windows.stream().collect(Collectors.toMap(w -> w.feature, w -> w));
    }

    private static long counter(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h, String name) {
        return (Long) h.getEnvironment()
                .getAccumulatorRegistry()
                .getUserMap()
                .get(name)
                .getLocalValue();
    }

    @Test
    void emitsEachColumnWhenTheWatermarkPassesTheWindowEnd() throws Exception {
        try (var h = harness()) {
            h.open();
            // Window [0, 15 min): 40 predictions; what must count, kept aside per column.
            Map<String, List<Double>> counted = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                Prediction p = prediction(i, i * 20_000L);
                h.processElement(new StreamRecord<>(unlabeled(p), p.eventTime));
                counted.computeIfAbsent("prediction", c -> new ArrayList<>()).add(p.score);
                for (int f = 0; f < INPUTS.length; f++) {
                    counted.computeIfAbsent(INPUTS[f], c -> new ArrayList<>()).add(p.featureValues[f]);
                }
                // The join's second emission of the same prediction, with other values: must not count.
                Prediction again = classification("m", "1", "W" + i, p.eventTime, 0.01, INPUTS, new double[] {9, 9});
                h.processElement(new StreamRecord<>(labeled(again), p.eventTime));
            }
            // A classification without a score: its inputs count, the prediction column does not.
            Prediction unscored = prediction(99, 14 * 60_000L);
            unscored.score = Double.NaN;
            h.processElement(new StreamRecord<>(unlabeled(unscored), unscored.eventTime));
            for (int f = 0; f < INPUTS.length; f++) {
                counted.get(INPUTS[f]).add(unscored.featureValues[f]);
            }
            // The next window [15, 30 min): one prediction.
            Prediction next = prediction(100, WINDOW + 1);
            h.processElement(new StreamRecord<>(unlabeled(next), next.eventTime));

            h.processWatermark(new Watermark(WINDOW - 2));
            assertThat(emitted(h)).isEmpty();
            h.processWatermark(new Watermark(WINDOW - 1));
            Map<String, WaferParameterWindow> out = byFeature(emitted(h));
            assertThat(out.keySet()).containsExactlyInAnyOrder("m/1:prediction", "m/1:vdd_mean", "m/1:idd_mean");
            assertThat(h.getSideOutput(PredictionWindowAggregator.PREDICTIONS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getValue().feature).isEqualTo("m/1:prediction"));
            counted.forEach((column, values) -> {
                WaferParameterWindow w = out.get("m/1:" + column);
                assertThat(w.windowStart).isZero();
                assertThat(w.windowEnd).isEqualTo(WINDOW);
                assertThat(w.deviceCount).isEqualTo(41);
                assertMoments(w.distribution, values);
            });
            assertThat(counter(h, PredictionWindowAggregator.WITHOUT_VALUE)).isEqualTo(1);

            // Behind the watermark now: late, counted, dropped.
            Prediction late = prediction(101, 10 * 60_000L);
            h.processElement(new StreamRecord<>(unlabeled(late), late.eventTime));
            assertThat(counter(h, PredictionWindowAggregator.LATE)).isEqualTo(1);

            h.processWatermark(new Watermark(2 * WINDOW - 1));
            List<WaferParameterWindow> second =
                    emitted(h).stream().filter(w -> w.windowStart > 0).toList();
            assertThat(second).hasSize(3).allSatisfy(w -> {
                assertThat(w.windowStart).isEqualTo(WINDOW);
                assertThat(w.distribution.n).isEqualTo(1);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anInputFirstSeenMidWindowGetsItsOwnColumn() throws Exception {
        try (var h = harness()) {
            h.open();
            // The first prediction has no inputs at all; then inputs in one order, then in another, then a new one.
            Prediction bare = classification("m", "1", "W0", 0, 0.9, new String[0], new double[0]);
            Prediction ab = classification("m", "1", "W1", 1, 0.8, new String[] {"a", "b"}, new double[] {1, 2});
            Prediction ba = classification("m", "1", "W2", 2, 0.7, new String[] {"b", "a"}, new double[] {4, 3});
            Prediction c =
                    classification("m", "1", "W3", 3, 0.6, new String[] {"c", "prediction"}, new double[] {5, 6});
            for (Prediction p : List.of(bare, ab, ba, c)) {
                h.processElement(new StreamRecord<>(unlabeled(p), p.eventTime));
            }
            h.processWatermark(new Watermark(WINDOW - 1));
            Map<String, WaferParameterWindow> out = byFeature(emitted(h));
            assertThat(out.keySet()).containsExactlyInAnyOrder("m/1:prediction", "m/1:a", "m/1:b", "m/1:c");
            assertMoments(out.get("m/1:prediction").distribution, List.of(0.9, 0.8, 0.7, 0.6));
            assertMoments(out.get("m/1:a").distribution, List.of(1.0, 3.0));
            assertMoments(out.get("m/1:b").distribution, List.of(2.0, 4.0));
            assertMoments(out.get("m/1:c").distribution, List.of(5.0));
            // An input named like the prediction column would take over its feature: skipped and counted.
            assertThat(counter(h, PredictionWindowAggregator.INPUTS_SKIPPED)).isEqualTo(1);
        }
    }

    /** Count, mean, sample std, min and max as plain Java computes them from the values. */
    private static void assertMoments(Distribution d, List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = Arrays.stream(v).sum() / v.length;
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        assertThat(d.n).isEqualTo(v.length);
        assertThat(d.mean).isCloseTo(mean, within(1e-12 * Math.max(1, Math.abs(mean))));
        if (v.length > 1) {
            assertThat(d.std()).isCloseTo(Math.sqrt(ss / (v.length - 1)), within(1e-9 * Math.sqrt(ss)));
        }
        assertThat(d.min).isEqualTo(Arrays.stream(v).min().orElseThrow());
        assertThat(d.max).isEqualTo(Arrays.stream(v).max().orElseThrow());
        // Below the sketch size every value is kept: the sketch holds them all.
        assertThat(d.kll(200).getN()).isEqualTo(v.length);
    }
}
