package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.AlertPolicySpec;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alert policy in event time: fire on N of M windows, stay quiet while firing, resolve after K clear windows
 * (observed or simply absent), hold a cooldown, escalate a long-firing P2, and forget keys that no longer matter.
 * Windows are 1 h; observations arrive 1 min (the grace) after their window ends, as the job emits them.
 */
class AlertPolicyTest {

    private static final long H = 3_600_000;
    private static final long GRACE = 60_000;
    private static final AlertPolicySpec DRIFT = new AlertPolicySpec("drift", 2, 3, 2, 2 * H, 6 * H, H, GRACE);
    /** Model findings: the same 2 of 3, observed again whenever late actuals revise a window. */
    private static final AlertPolicySpec MODEL = new AlertPolicySpec("model", 2, 3, 2, 2 * H, 6 * H, H, GRACE);

    private static final AlertPolicySpec QUALITY = new AlertPolicySpec("data_quality", 1, 1, 2, 0, 0, H, GRACE);

    private KeyedOneInputStreamOperatorTestHarness<String, AlertSignal, Alert> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new AlertPolicy(Map.of("drift", DRIFT, "data_quality", QUALITY, "model", MODEL))),
                s -> s.key,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** The observation of the window ending at {@code hour} h, then the watermark that follows it. */
    private void observe(String policy, String key, long hour, boolean active, AlertSeverity severity)
            throws Exception {
        AlertSignal s = new AlertSignal();
        s.key = key;
        s.policy = policy;
        s.active = active;
        s.windowStart = (hour - 1) * H;
        s.windowEnd = hour * H;
        Alert context = new Alert();
        context.key = key;
        context.type = policy.equals("drift") ? "drift" : "range_violations";
        context.subject = key;
        context.severity = severity;
        context.title = key + " condition";
        s.context = context;
        harness.processElement(new StreamRecord<>(s, s.windowEnd - 1 + GRACE));
        harness.processWatermark(new Watermark(s.windowEnd - 1 + GRACE));
    }

    private void drift(long hour, boolean active) throws Exception {
        observe("drift", "drift:vdd", hour, active, AlertSeverity.P2);
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }

    @Test
    void firesOnTwoOfThreeWindowsOnly() throws Exception {
        drift(1, true);
        drift(2, false);
        drift(3, false);
        drift(4, true); // windows 2..4 hold one active window
        assertThat(alerts()).isEmpty();
        drift(5, false);
        drift(6, true); // windows 4..6 hold two
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.status).isEqualTo(AlertStatus.FIRING);
            assertThat(a.severity).isEqualTo(AlertSeverity.P2);
            assertThat(a.firstSeen).isEqualTo(4 * H);
            assertThat(a.lastSeen).isEqualTo(6 * H);
            assertThat(a.occurrences).isEqualTo(2);
            assertThat(a.alertId).isEqualTo("drift:vdd@" + 4 * H);
            assertThat(a.notificationId).isEqualTo(a.alertId + "#1");
            assertThat(a.runbook).isEqualTo("docs/runbooks/drift.md");
        });
    }

    @Test
    void staysQuietWhileFiringAndResolvesAfterTwoClearWindows() throws Exception {
        drift(1, true);
        drift(2, true);
        drift(3, true);
        drift(4, true);
        drift(5, false);
        assertThat(alerts()).hasSize(1); // fired at window 2, deduplicated since
        drift(6, false);
        assertThat(alerts()).hasSize(2);
        Alert resolved = alerts().get(1);
        assertThat(resolved.status).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.alertId).isEqualTo(alerts().get(0).alertId);
        assertThat(resolved.notificationId).isEqualTo(resolved.alertId + "#2");
        assertThat(resolved.firstSeen).isEqualTo(H);
        assertThat(resolved.lastSeen).isEqualTo(4 * H);
        assertThat(resolved.occurrences).isEqualTo(4);
    }

    @Test
    void conditionsWithoutClearObservationsResolveByTime() throws Exception {
        observe("data_quality", "dq:W1:vdd:range_violations", 1, true, AlertSeverity.P2);
        assertThat(alerts()).extracting(a -> a.status).containsExactly(AlertStatus.FIRING);
        harness.processWatermark(new Watermark(3 * H + GRACE - 2)); // one millisecond before K windows have passed
        assertThat(alerts()).hasSize(1);
        harness.processWatermark(new Watermark(3 * H + GRACE));
        assertThat(alerts()).extracting(a -> a.status).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        assertThat(harness.numKeyedStateEntries())
                .as("a resolved key without cooldown is forgotten")
                .isZero();
    }

    @Test
    void aCooldownKeepsAFlappingConditionQuiet() throws Exception {
        drift(1, true);
        drift(2, true); // fires
        drift(3, false);
        drift(4, false); // resolves at the end of window 4: cooldown until 6 h
        drift(5, true);
        drift(6, false);
        assertThat(alerts()).hasSize(2);
        drift(7, true); // windows 5..7 hold two, and the cooldown is over
        assertThat(alerts()).hasSize(3);
        Alert again = alerts().get(2);
        assertThat(again.status).isEqualTo(AlertStatus.FIRING);
        assertThat(again.alertId).isEqualTo("drift:vdd@" + 5 * H);
    }

    @Test
    void aP2FiringLongerThanItsEscalationTimeBecomesP1Once() throws Exception {
        for (int hour = 1; hour <= 9; hour++) {
            drift(hour, true);
        }
        // First seen at 1 h, escalation after 6 h: sent when the watermark passes 7 h + grace.
        assertThat(alerts()).extracting(a -> a.severity + ":" + a.escalated).containsExactly("P2:false", "P1:true");
        assertThat(alerts().get(1).notificationId).endsWith("#2");
    }

    @Test
    void keysThatNeverFireAreForgotten() throws Exception {
        drift(1, true);
        drift(2, false);
        drift(3, false);
        drift(4, false);
        harness.processWatermark(new Watermark(10 * H));
        assertThat(alerts()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    private void model(long hour, boolean active) throws Exception {
        observe("model", "model:m/1:degradation", hour, active, AlertSeverity.P1);
    }

    @Test
    void aRevisionThatClearsAWindowStopsItCounting() throws Exception {
        model(1, true);
        model(1, false); // window 1 revised by late actuals: no longer degraded
        model(2, true);
        assertThat(alerts()).isEmpty(); // one held window of the last three, not two
        model(3, true);
        assertThat(alerts()).hasSize(1);
        assertThat(alerts().get(0).firstSeen).isEqualTo(2 * H);
        assertThat(alerts().get(0).occurrences).isEqualTo(2);
    }

    @Test
    void aRevisionThatHoldsAgainIsOneOccurrenceAndALateOneCounts() throws Exception {
        model(1, false);
        model(2, true);
        model(1, true); // window 1's revision, after window 2: the two held windows fire
        assertThat(alerts()).hasSize(1);
        assertThat(alerts().get(0).firstSeen).isEqualTo(1 * H);
        model(2, true); // window 2 observed again while firing
        model(3, true);
        model(4, false);
        model(5, false);
        List<Alert> out = alerts();
        assertThat(out).extracting(a -> a.status).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        assertThat(out.get(1).occurrences).isEqualTo(3); // windows 1, 2, 3
    }
}
