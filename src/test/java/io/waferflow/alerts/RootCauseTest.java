package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.testing.TestModelMetrics;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The root-cause join: a model observation and its window's input-drift metrics in either order, released when the
 * watermark passes the window's end plus the grace; drifted inputs ranked by PSI with their shift; stable inputs and
 * other windows left out; a late revision finds the window's drift in state, which is gone after keep.
 */
class RootCauseTest {

    private static final long W = 15 * 60_000;
    private static final long GRACE = 60_000;
    private static final long KEEP = 100 * W;
    private static final String MODEL = "yield_class/1";

    private KeyedTwoInputStreamOperatorTestHarness<String, AlertSignal, DriftMetric, AlertSignal> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new RootCause(GRACE, KEEP)),
                s -> s.context.subject,
                d -> ModelFindings.modelKeyOf(d.feature),
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static AlertSignal degradation(long window, boolean active) {
        Alert a = new Alert();
        a.key = ModelFindings.degradationKey(MODEL);
        a.type = ModelFindings.DEGRADATION;
        a.subject = MODEL;
        a.windowStart = (window - 1) * W;
        a.windowEnd = window * W;
        a.title = MODEL + " accuracy down";
        a.message = MODEL + ": accuracy 0.780";
        return ModelFindings.signal(a, active);
    }

    private static DriftMetric drift(
            long window, String input, DriftVerdict verdict, double psi, double from, double to) {
        return TestModelMetrics.drift(MODEL, input, (window - 1) * W, W, verdict, psi, from, to);
    }

    private void signal(AlertSignal s) throws Exception {
        harness.processElement1(new StreamRecord<>(s, s.windowEnd));
    }

    private void metric(DriftMetric m) throws Exception {
        harness.processElement2(new StreamRecord<>(m, m.windowEnd));
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    private List<AlertSignal> out() {
        return harness.extractOutputValues();
    }

    @Test
    void namesTheInputsThatDriftedInTheSameWindowMostFirst() throws Exception {
        signal(degradation(4, true)); // the observation first, its drift after
        metric(drift(4, "idd_mean", DriftVerdict.MODERATE, 0.12, 0.0021, 0.00225));
        metric(drift(4, "vdd_mean", DriftVerdict.DRIFT, 0.41, 1.2, 1.25));
        metric(drift(4, "freq_mean", DriftVerdict.STABLE, 0.01, 900, 901));
        metric(drift(3, "temp_mean", DriftVerdict.DRIFT, 0.9, 25, 30)); // another window
        watermark(4 * W + GRACE - 1);
        assertThat(out()).isEmpty();
        watermark(4 * W + GRACE);
        assertThat(out()).hasSize(1);
        Alert a = out().get(0).context;
        assertThat(a.features).isEqualTo("vdd_mean,idd_mean");
        assertThat(a.message)
                .endsWith("vdd_mean 1.20 → 1.25, PSI 0.41; idd_mean 0.00210 → 0.00225, PSI 0.12")
                .startsWith(MODEL + ": accuracy 0.780");
        assertThat(a.title).endsWith("drifting inputs: vdd_mean, idd_mean");
    }

    @Test
    void driftFirstAndClearObservationsPassUnchanged() throws Exception {
        metric(drift(2, "vdd_mean", DriftVerdict.DRIFT, 0.41, 1.2, 1.25));
        signal(degradation(2, false));
        signal(degradation(3, true)); // no drift in window 3
        watermark(3 * W + GRACE);
        assertThat(out()).hasSize(2);
        assertThat(out().get(0).context.features).isNull();
        assertThat(out().get(1).context.features).isNull();
        assertThat(out().get(1).context.message).isEqualTo(MODEL + ": accuracy 0.780");
    }

    @Test
    void aLateRevisionFindsItsWindowsDriftUntilKeepPasses() throws Exception {
        metric(drift(2, "vdd_mean", DriftVerdict.DRIFT, 0.41, 1.2, 1.25));
        watermark(50 * W);
        AlertSignal first = degradation(2, true);
        AlertSignal second = degradation(2, true);
        second.context.message = "revision 2";
        signal(first);
        signal(second); // the later revision replaces the waiting one
        watermark(50 * W + 1);
        assertThat(out()).hasSize(1);
        assertThat(out().get(0).context.message).startsWith("revision 2").contains("vdd_mean 1.20 → 1.25");
        watermark(2 * W + KEEP);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void observationsWithoutTimestampsAreTimedByTheirWindow() throws Exception {
        // Revisions emitted from processing-time timers upstream carry no timestamp.
        metric(drift(2, "vdd_mean", DriftVerdict.DRIFT, 0.41, 1.2, 1.25));
        harness.processElement1(new StreamRecord<>(degradation(2, true)));
        watermark(2 * W + GRACE);
        assertThat(out()).hasSize(1);
        assertThat(harness.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(2 * W + GRACE);
        assertThat(out().get(0).context.features).isEqualTo("vdd_mean");
    }
}
