package io.waferflow.monitor;

import static io.waferflow.monitor.MonitorRecords.actual;
import static io.waferflow.monitor.MonitorRecords.classification;
import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import io.waferflow.model.Violation;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PredictionJoinTest {

    private static final long DELAY = 7 * 24 * 3_600_000L;

    private KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Actual, LabeledPrediction> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new PredictionJoin(DELAY)),
                p -> p.predictionId,
                a -> a.predictionId,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void predict(Prediction p) throws Exception {
        harness.processElement1(new StreamRecord<>(p, p.eventTime));
    }

    private void label(Actual a) throws Exception {
        harness.processElement2(new StreamRecord<>(a, a.eventTime));
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    /** Each emission as "id:predicted/actual" ("-" while unlabeled). */
    private List<String> emitted() {
        return harness.extractOutputValues().stream()
                .map(lp -> lp.prediction.predictionId + ":" + lp.prediction.predictedClass + "/"
                        + (lp.actual == null ? "-" : lp.actual.actualClass))
                .toList();
    }

    private List<Violation> violations() {
        var side = harness.getSideOutput(PredictionJoin.VIOLATIONS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void actualAfterItsPredictionEmitsThePredictionThenTheLabeledOne() throws Exception {
        predict(classification("p1", 1_000, "low"));
        assertThat(emitted()).containsExactly("p1:low/-");
        watermark(3 * 24 * 3_600_000L); // days later, within the delay
        label(actual("p1", 3 * 24 * 3_600_000L, "high"));
        assertThat(emitted()).containsExactly("p1:low/-", "p1:low/high");
        assertThat(violations()).isEmpty();
    }

    @Test
    void actualBeforeItsPredictionIsJoinedWhenThePredictionComes() throws Exception {
        label(actual("p1", 5_000, "low"));
        assertThat(emitted()).isEmpty();
        predict(classification("p1", 1_000, "low"));
        assertThat(emitted()).containsExactly("p1:low/-", "p1:low/low");
        watermark(5_000 + DELAY);
        assertThat(violations()).as("joined: no orphan").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void predictionNeverLabeledIsEmittedOnceAndItsStateClearedAfterTheDelay() throws Exception {
        predict(classification("p1", 1_000, "low"));
        watermark(1_000 + DELAY - 1);
        assertThat(harness.numKeyedStateEntries()).as("still waiting").isPositive();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark(1_000 + DELAY);
        assertThat(emitted()).containsExactly("p1:low/-");
        assertThat(violations()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        // After the delay the id is unknown again: its actual is now an orphan-to-be, not a join.
        label(actual("p1", 1_000 + DELAY + 5, "low"));
        assertThat(emitted()).containsExactly("p1:low/-");
    }

    @Test
    void secondPredictionAndSecondActualOfAnIdAreDuplicates() throws Exception {
        predict(classification("p1", 1_000, "low"));
        predict(classification("p1", 2_000, "high"));
        label(actual("p1", 3_000, "low"));
        label(actual("p1", 4_000, "high"));
        assertThat(emitted()).as("the first of each is kept").containsExactly("p1:low/-", "p1:low/low");
        assertThat(violations()).hasSize(2).allSatisfy(v -> {
            assertThat(v.rule).isEqualTo(Violation.RULE_DUPLICATE);
            assertThat(v.quarantined).isTrue();
            assertThat(v.value).isEqualTo("p1");
            assertThat(v.rawPayload).contains("\"prediction_id\":\"p1\"");
        });
        assertThat(violations().get(0).rawPayload).contains("\"prediction\":\"high\"");
        assertThat(violations().get(1).rawPayload).contains("\"actual\":\"high\"");
    }

    @Test
    void actualWhosePredictionNeverComesIsAnOrphanWhenItsTimerFires() throws Exception {
        label(actual("p9", 10_000, "low"));
        watermark(10_000 + DELAY - 1);
        assertThat(violations()).isEmpty();
        watermark(10_000 + DELAY);
        assertThat(violations()).singleElement().satisfies(v -> {
            assertThat(v.rule).isEqualTo(Violation.RULE_ORPHAN);
            assertThat(v.deviceId).isEqualTo("p9");
            assertThat(v.eventTime).isEqualTo(10_000L);
            assertThat(v.rawPayload).contains("\"actual\":\"low\"");
        });
        assertThat(emitted()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anActualOfTheOtherTaskIsATypeViolationAndThePredictionKeepsWaiting() throws Exception {
        predict(classification("p1", 1_000, "low"));
        label(actual("p1", 2_000, 0.93));
        label(actual("p1", 3_000, "low"));
        assertThat(emitted()).containsExactly("p1:low/-", "p1:low/low");
        assertThat(violations())
                .singleElement()
                .satisfies(v -> assertThat(v.rule).isEqualTo(Violation.RULE_TYPE));
    }
}
