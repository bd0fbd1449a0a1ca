package io.waferflow.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.model.RetrainEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retrain trigger: one request once a model alert has been firing for retrain_after (not a millisecond before),
 * none if it resolves first, one per episode (escalations do not repeat it), none at the end of a bounded input; state
 * and timers gone after the resolution.
 */
class RetrainTriggerTest {

    private static final long H = 3_600_000;
    private static final long AFTER = 24 * H;
    private static final String KEY = "model:yield_class/1:degradation";

    private KeyedOneInputStreamOperatorTestHarness<String, Alert, RetrainEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RetrainTrigger(AFTER)), a -> a.key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void notify(AlertStatus status, long firstSeen, long at) throws Exception {
        Alert a = new Alert();
        a.key = KEY;
        a.type = "model_degradation";
        a.subject = "yield_class/1";
        a.severity = AlertSeverity.P1;
        a.status = status;
        a.firstSeen = firstSeen;
        a.alertId = KEY + "@" + firstSeen;
        a.message = "accuracy 0.780";
        a.features = "vdd_mean,idd_mean";
        harness.processElement(new StreamRecord<>(a, at));
        harness.processWatermark(new Watermark(at));
    }

    private List<RetrainEvent> out() {
        return harness.extractOutputValues();
    }

    @Test
    void requestsOnceAfterTheSustainedTimeNotBefore() throws Exception {
        long first = 10 * H;
        notify(AlertStatus.FIRING, first, first + H);
        harness.processWatermark(new Watermark(first + AFTER - 1));
        assertThat(out()).isEmpty();
        harness.processWatermark(new Watermark(first + AFTER));
        assertThat(out()).hasSize(1);
        RetrainEvent e = out().get(0);
        assertThat(e.model).isEqualTo("yield_class");
        assertThat(e.modelVersion).isEqualTo("1");
        assertThat(e.eventId).isEqualTo("yield_class/1/" + first);
        assertThat(e.reason).isEqualTo("model_degradation");
        assertThat(e.since).isEqualTo(first);
        assertThat(e.at).isEqualTo(first + AFTER);
        assertThat(e.driftedFeatures).isEqualTo("vdd_mean,idd_mean");
        notify(AlertStatus.FIRING, first, first + AFTER + H); // an escalation of the same episode
        harness.processWatermark(new Watermark(first + 3 * AFTER));
        assertThat(out()).hasSize(1);
        notify(AlertStatus.RESOLVED, first, first + 3 * AFTER);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aResolutionBeforeTheSustainedTimeCancelsIt() throws Exception {
        long first = 10 * H;
        notify(AlertStatus.FIRING, first, first + H);
        notify(AlertStatus.RESOLVED, first, first + AFTER - 1);
        harness.processWatermark(new Watermark(first + 2 * AFTER));
        assertThat(out()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        long next = first + 2 * AFTER; // a new episode gets its own request
        notify(AlertStatus.FIRING, next, next + H);
        harness.processWatermark(new Watermark(next + AFTER));
        assertThat(out()).extracting(e -> e.since).containsExactly(next);
    }

    @Test
    void theEndOfABoundedInputIsNoEvidence() throws Exception {
        notify(AlertStatus.FIRING, H, 2 * H);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(out()).isEmpty();
    }
}
