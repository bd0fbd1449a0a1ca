package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.ModelMetrics;
import io.waferflow.testing.TestModelMetrics;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Degradation observations per window: P2 vs P1 vs none at the boundary values (a drop of exactly 5 or 10 points is not
 * more than it), too few labels, a measured baseline that settles once and stays, and regression judged on MAE. The
 * expected verdicts are computed here in integer thousandths, not with the operator's doubles.
 */
class ModelDegradationTest {

    private static final long W = 15 * 60_000;
    private static final long T0 = 1_796_342_400_000L; // 2026-12-04T00:00Z, a multiple of 15 min
    private static final int MIN_LABELS = 50;

    private KeyedOneInputStreamOperatorTestHarness<String, ModelMetrics, AlertSignal> harness;

    private void open(Map<String, Double> configured) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ModelDegradation(configured, 8 * W, 4 * W, MIN_LABELS, 0.05, 0.10)),
                ModelMetrics::modelKey,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** Window {@code i} (0-based from T0), classification, {@code correct} of {@code labeled} right. */
    static ModelMetrics classification(int i, int revision, long labeled, long correct) {
        return TestModelMetrics.classification("yield_class", "1", T0 + i * W, W, revision, 1000, labeled, correct);
    }

    private long watermark = Long.MIN_VALUE;

    /** The metrics, stamped with their window's end, then the watermark if that moves it on (revisions come late). */
    private void send(ModelMetrics m) throws Exception {
        harness.processElement(new StreamRecord<>(m, m.windowEnd));
        if (m.windowEnd > watermark) {
            watermark = m.windowEnd;
            harness.processWatermark(new Watermark(watermark));
        }
    }

    private List<AlertSignal> signals() {
        return harness.extractOutputValues();
    }

    /** SPEC 5 in thousandths of accuracy: more than 50 lost is P2, more than 100 P1. */
    private static String expected(long baselinePermille, long correctOf1000) {
        long lost = baselinePermille - correctOf1000;
        return lost > 100 ? "P1" : lost > 50 ? "P2" : "clear";
    }

    private static String verdict(AlertSignal s) {
        return s.active ? s.context.severity.name() : "clear";
    }

    @Test
    void configuredBaselineBoundaries() throws Exception {
        open(Map.of("yield_class", 0.92));
        long[] correct = {920, 871, 870, 869, 821, 820, 819, 500};
        for (int i = 0; i < correct.length; i++) {
            send(classification(i, 1, 1000, correct[i]));
        }
        List<AlertSignal> out = signals();
        assertThat(out).hasSize(correct.length);
        for (int i = 0; i < correct.length; i++) {
            assertThat(verdict(out.get(i))).as("accuracy %d/1000", correct[i]).isEqualTo(expected(920, correct[i]));
        }
        assertThat(out).extracting(s -> s.key).containsOnly("model:yield_class/1:degradation");
        assertThat(out.get(3).context.type).isEqualTo(ModelFindings.DEGRADATION);
        assertThat(out.get(3).context.subject).isEqualTo("yield_class/1");
        assertThat(out.get(3).context.title).contains("accuracy down 5.1 points");
        assertThat(out.get(3).policy).isEqualTo(ModelFindings.POLICY);
    }

    @Test
    void tooFewLabelsIsNoObservation() throws Exception {
        open(Map.of("yield_class", 0.92));
        send(classification(0, 0, MIN_LABELS - 1, 10));
        send(classification(1, 0, 0, 0));
        assertThat(signals()).isEmpty();
        send(classification(0, 1, MIN_LABELS, 10)); // the revision that brings enough labels is judged
        assertThat(signals()).extracting(ModelDegradationTest::verdict).containsExactly("P1");
    }

    @Test
    void measuredBaselineSettlesAfterTheReferenceAndTheLabelGraceAndStays() throws Exception {
        open(Map.of("other_model", 0.5));
        long[] labeled = {100, 200, 150, 0, 300, 250, 120, 80};
        long[] correct = {93, 181, 140, 0, 275, 232, 110, 73};
        for (int i = 0; i < 8; i++) {
            send(classification(i, 0, labeled[i] / 2, correct[i] / 2)); // revision 0: half the labels
        }
        for (int i = 0; i < 8; i++) {
            send(classification(i, 1, labeled[i], correct[i])); // the revisions replace them
        }
        long sumLabeled = 0;
        long sumCorrect = 0;
        for (int i = 0; i < 8; i++) {
            sumLabeled += labeled[i];
            sumCorrect += correct[i];
        }
        double baseline = sumCorrect / (double) sumLabeled;
        // Windows 8.. wait for the baseline: it settles when the watermark passes reference end (8 W) + 4 W.
        send(classification(8, 0, 1000, 900));
        send(classification(9, 0, 1000, 700));
        send(classification(8, 1, 1000, 850)); // replaces window 8's revision 0 while waiting
        assertThat(signals()).isEmpty();
        harness.processWatermark(new Watermark(T0 + 12 * W - 1));
        assertThat(signals()).isEmpty();
        harness.processWatermark(new Watermark(T0 + 12 * W));
        List<AlertSignal> out = signals();
        assertThat(out).extracting(s -> s.windowEnd).containsExactly(T0 + 9 * W, T0 + 10 * W);
        assertThat(out.get(0).context.baselineMean).isEqualTo(baseline);
        assertThat(out.get(0).context.nBaseline).isEqualTo(sumLabeled);
        long baselinePermille = Math.round(1000 * baseline);
        assertThat(verdict(out.get(0))).isEqualTo(expected(baselinePermille, 850));
        assertThat(verdict(out.get(1))).isEqualTo(expected(baselinePermille, 700));

        send(classification(2, 2, 1000, 100)); // a late revision of a reference window: not judged, baseline kept
        send(classification(12, 0, 1000, 870));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // the baseline; the waiting windows are gone
        out = signals();
        assertThat(out).hasSize(3);
        assertThat(out.get(2).context.baselineMean).isEqualTo(baseline);
        assertThat(verdict(out.get(2))).isEqualTo(expected(baselinePermille, 870));
    }

    @Test
    void measuredBaselineWaitsForEnoughLabels() throws Exception {
        open(Map.of());
        send(classification(0, 0, 20, 19));
        send(classification(9, 0, 1000, 500));
        harness.processWatermark(new Watermark(T0 + 13 * W));
        assertThat(signals()).isEmpty(); // 20 labels in the reference: no baseline yet
        send(classification(1, 1, 40, 36)); // 60 labels now, 55 right
        List<AlertSignal> out = signals();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).context.baselineMean).isEqualTo(55 / 60.0);
        assertThat(verdict(out.get(0))).isEqualTo("P1");
    }

    @Test
    void regressionIsJudgedOnTheMaeRiseAsAShareOfTheBaseline() throws Exception {
        open(Map.of("yield_pct", 0.9)); // a configured accuracy does not apply to a regression
        double[] mae = {2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.1, 2.11, 2.2, 2.21};
        for (int i = 0; i < mae.length; i++) {
            ModelMetrics m = classification(i, 0, 500, 0);
            m.model = "yield_pct";
            m.task = ModelMetrics.REGRESSION;
            m.accuracy = Double.NaN;
            m.mae = mae[i];
            send(m);
        }
        harness.processWatermark(new Watermark(T0 + 20 * W));
        // Baseline MAE 2.0: above 2.1 (5 %) is P2, above 2.2 (10 %) P1.
        assertThat(signals()).extracting(ModelDegradationTest::verdict).containsExactly("clear", "P2", "P2", "P1");
        assertThat(signals().get(0).context.field).isEqualTo("mae");
    }

    @Test
    void aRevisionIsJudgedAgainForTheSameWindow() throws Exception {
        open(Map.of("yield_class", 0.92));
        send(classification(0, 1, 100, 70)); // the first labels: 0.70, P1
        send(classification(0, 2, 1000, 910)); // all labels: 0.91, clear
        assertThat(signals()).extracting(ModelDegradationTest::verdict).containsExactly("P1", "clear");
        assertThat(signals()).extracting(s -> s.windowEnd).containsOnly(T0 + W);
    }
}
