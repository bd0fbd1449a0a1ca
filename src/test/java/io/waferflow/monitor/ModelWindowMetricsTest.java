package io.waferflow.monitor;

import static io.waferflow.monitor.MonitorRecords.actual;
import static io.waferflow.monitor.MonitorRecords.classification;
import static io.waferflow.monitor.MonitorRecords.regression;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelWindowMetricsTest {

    private static final long WINDOW = 15 * 60_000L;
    private static final long DELAY = 24 * 3_600_000L;
    private static final long INTERVAL = 1_000;
    /** Window [T0, T0 + WINDOW), epoch-aligned. */
    private static final long T0 = 1_796_342_400_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, LabeledPrediction, ModelMetrics> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ModelWindowMetrics(WINDOW, DELAY, INTERVAL)),
                lp -> lp.prediction.modelKey(),
                Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(Prediction p, Actual a) throws Exception {
        harness.processElement(new StreamRecord<>(new LabeledPrediction(p, a), p.eventTime));
    }

    private List<ModelMetrics> emitted() {
        return harness.extractOutputValues();
    }

    /** Classification: 200 predictions of 3 classes, 150 labeled, against a confusion matrix counted here. */
    @Test
    void classificationMetricsEqualAHandBuiltConfusionMatrix() throws Exception {
        String[] names = {"high", "low", "mid"};
        Random random = new Random(7);
        List<String[]> pairs = new ArrayList<>(); // {predicted, actual}
        double scoreSum = 0;
        int scored = 0;
        for (int i = 0; i < 200; i++) {
            Prediction p = classification("p" + i, T0 + i * 4_000L, names[random.nextInt(3)]);
            // Scores vary; every tenth prediction comes without one and is left out of the estimate.
            p.score = i % 10 == 0 ? Double.NaN : 0.4 + 0.6 * random.nextDouble();
            if (i % 10 != 0) {
                scoreSum += p.score;
                scored++;
            }
            send(p, null);
            if (i % 4 != 0) {
                String truth = random.nextDouble() < 0.7 ? p.predictedClass : names[random.nextInt(3)];
                send(p, actual(p.predictionId, p.eventTime + 60_000, truth));
                pairs.add(new String[] {p.predictedClass, truth});
            }
        }
        harness.processWatermark(new Watermark(T0 + WINDOW - 2));
        assertThat(emitted()).as("not before the window's end").isEmpty();
        harness.processWatermark(new Watermark(T0 + WINDOW - 1));

        ModelMetrics m = emitted().get(0);
        assertThat(emitted()).hasSize(1);
        assertThat(m.revision).isZero();
        assertThat(m.task).isEqualTo(ModelMetrics.CLASSIFICATION);
        assertThat(m.windowStart).isEqualTo(T0);
        assertThat(m.windowEnd).isEqualTo(T0 + WINDOW);
        assertThat(m.predictions).isEqualTo(200);
        assertThat(m.labeled).isEqualTo(150);
        assertThat(m.labelCoverage).isEqualTo(0.75);
        assertThat(m.classes).containsExactly(names);
        long[][] matrix = new long[3][3];
        for (String[] pair : pairs) {
            matrix[List.of(names).indexOf(pair[1])][List.of(names).indexOf(pair[0])]++;
        }
        long correct = pairs.stream().filter(pr -> pr[0].equals(pr[1])).count();
        assertThat(m.accuracy).isCloseTo(correct / 150.0, within(1e-12));
        assertThat(m.estimatedAccuracy)
                .as("the label-free estimate: the mean score")
                .isCloseTo(scoreSum / scored, within(1e-12));
        for (int c = 0; c < 3; c++) {
            String cls = names[c];
            long tp = pairs.stream()
                    .filter(pr -> pr[0].equals(cls) && pr[1].equals(cls))
                    .count();
            long predicted = pairs.stream().filter(pr -> pr[0].equals(cls)).count();
            long actual = pairs.stream().filter(pr -> pr[1].equals(cls)).count();
            double precision = (double) tp / predicted;
            double recall = (double) tp / actual;
            assertThat(m.precision[c]).as("precision " + cls).isCloseTo(precision, within(1e-12));
            assertThat(m.recall[c]).as("recall " + cls).isCloseTo(recall, within(1e-12));
            assertThat(m.f1[c]).as("F1 " + cls).isCloseTo(2 * precision * recall / (precision + recall), within(1e-12));
            for (int k = 0; k < 3; k++) {
                assertThat(m.confusion[c * 3 + k])
                        .as("actual " + cls + " predicted " + names[k])
                        .isEqualTo(matrix[c][k]);
            }
        }
        assertThat(m.mae).isNaN();
    }

    @Test
    void aClassOnlyTheActualsNameIsAddedToTheMatrix() throws Exception {
        Prediction p = classification("p1", T0, "low");
        send(p, null);
        send(p, actual("p1", T0, "scrap"));
        harness.processWatermark(new Watermark(T0 + WINDOW));
        ModelMetrics m = emitted().get(0);
        assertThat(m.classes).containsExactly("low", "scrap");
        assertThat(m.confusion).containsExactly(0, 0, 1, 0); // actual scrap, predicted low
        assertThat(m.accuracy).isZero();
        assertThat(m.precision[0]).isZero();
        assertThat(m.recall[0]).isNaN(); // no actual "low"
    }

    @Test
    void regressionMetricsEqualAPlainComputation() throws Exception {
        double[][] pairs = {{0.9, 1.0}, {0.5, 0.4}, {0.7, 0.0}, {1.3, 1.0}, {0.2, 0.25}};
        for (int i = 0; i < pairs.length; i++) {
            Prediction p = regression("r" + i, T0 + i, pairs[i][0]);
            send(p, null);
            send(p, actual(p.predictionId, T0 + i, pairs[i][1]));
        }
        send(regression("r-unlabeled", T0 + 10, 0.5), null);
        harness.processWatermark(new Watermark(T0 + WINDOW));
        ModelMetrics m = emitted().get(0);
        double abs = 0;
        double sq = 0;
        double err = 0;
        double pct = 0;
        int nonZero = 0;
        for (double[] pr : pairs) {
            double e = pr[0] - pr[1];
            abs += Math.abs(e);
            sq += e * e;
            err += e;
            if (pr[1] != 0) {
                pct += Math.abs(e / pr[1]);
                nonZero++;
            }
        }
        assertThat(m.task).isEqualTo(ModelMetrics.REGRESSION);
        assertThat(m.predictions).isEqualTo(6);
        assertThat(m.labeled).isEqualTo(5);
        assertThat(m.mae).isCloseTo(abs / 5, within(1e-12));
        assertThat(m.rmse).isCloseTo(Math.sqrt(sq / 5), within(1e-12));
        assertThat(m.bias).isCloseTo(err / 5, within(1e-12));
        assertThat(m.mape).isCloseTo(100 * pct / nonZero, within(1e-9));
        assertThat(m.accuracy).isNaN();
        assertThat(m.classes).isEmpty();
    }

    @Test
    void lateActualsBringTheNextRevisionWhenTheWatermarkPassesTheNextInterval() throws Exception {
        Prediction a = classification("a", T0 + 1, "low");
        Prediction b = classification("b", T0 + 2, "high");
        Prediction c = classification("c", T0 + 3, "high");
        send(a, null);
        send(b, null);
        send(c, null);
        send(a, actual("a", T0 + 10, "low"));
        harness.processWatermark(new Watermark(T0 + WINDOW + 60_000));
        assertThat(emitted()).singleElement().satisfies(m -> {
            assertThat(m.revision).isZero();
            assertThat(m.labeled).isEqualTo(1);
            assertThat(m.accuracy).isEqualTo(1.0);
        });

        send(b, actual("b", T0 + WINDOW + 3_600_000, "low")); // an hour late, wrong
        send(c, actual("c", T0 + WINDOW + 3_600_000, "high")); // same interval: one revision for both
        // The next point of the interval's grid after the watermark: when the watermark passes it, the revision goes.
        long next = T0 + WINDOW + 60_000 + INTERVAL;
        harness.processWatermark(new Watermark(next - 1));
        assertThat(emitted())
                .as("not before the watermark passes the interval's end")
                .hasSize(1);
        harness.processWatermark(new Watermark(next));
        assertThat(emitted()).hasSize(2);
        ModelMetrics r1 = emitted().get(1);
        assertThat(r1.revision).isEqualTo(1);
        assertThat(r1.labeled).isEqualTo(3);
        assertThat(r1.accuracy).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r1.labelCoverage).isEqualTo(1.0);

        harness.processWatermark(new Watermark(next + 5 * INTERVAL));
        assertThat(emitted()).as("nothing changed since").hasSize(2);
    }

    @Test
    void windowStateIsDroppedAfterTheLabelDelayAndLaterInputOnlyCounted() throws Exception {
        Prediction a = classification("a", T0 + 1, "low");
        send(a, null);
        send(classification("x", T0 + WINDOW + 5, "low"), null); // the next window
        harness.processWatermark(new Watermark(T0 + WINDOW - 1));
        assertThat(emitted()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // one map, two windows
        harness.processWatermark(new Watermark(T0 + WINDOW - 1 + DELAY - 1));
        send(a, actual("a", T0 + DELAY, "high")); // just in time: flushed when the window is dropped
        harness.processWatermark(new Watermark(T0 + WINDOW - 1 + DELAY));
        assertThat(emitted())
                .extracting(m -> m.windowStart + " r" + m.revision + " labeled " + m.labeled)
                .containsExactly(T0 + " r0 labeled 0", (T0 + WINDOW) + " r0 labeled 0", T0 + " r1 labeled 1");
        send(a, actual("a", T0 + DELAY + 1, "high")); // too old now
        harness.processWatermark(new Watermark(T0 + 2 * WINDOW - 1 + DELAY));
        assertThat(emitted()).hasSize(3);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
