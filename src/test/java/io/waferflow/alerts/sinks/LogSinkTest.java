package io.waferflow.alerts.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.alerts.TestAlerts;
import org.junit.jupiter.api.Test;

/** The log line and its level. */
class LogSinkTest {

    @Test
    void oneReadableLineWithTheNumbersEpisodeRunbookAndId() {
        String line = LogSink.line(TestAlerts.drift("n-1", AlertSeverity.P2));

        assertThat(line)
                .doesNotContain("\n")
                .startsWith("[P2 FIRING] drift:vdd: vdd drifting")
                .contains(
                        "PSI=0.31",
                        "shift=+2.50 σ",
                        "baseline=1.2 ± 0.02 (n 5000)",
                        "occurrences=3",
                        "first seen=2026-11-27T10:00:00Z",
                        "runbook docs/runbooks/drift.md",
                        "notification n-1");
        assertThat(LogSink.line(TestAlerts.rangeViolations("n-2", AlertSeverity.P2)))
                .contains("wafer=W0042 (lot L7)", "field=idd", "rate=7.5 % (threshold 5.0 %)")
                .doesNotContain("PSI");
    }

    @Test
    void firingP0ToP2AreWarningsTheRestInfo() {
        for (AlertSeverity s : AlertSeverity.values()) {
            Alert firing = TestAlerts.drift("n", s);
            assertThat(LogSink.isWarning(firing)).as(s.name()).isEqualTo(s != AlertSeverity.P3);
            firing.status = AlertStatus.RESOLVED;
            assertThat(LogSink.isWarning(firing)).as(s + " resolved").isFalse();
        }
    }
}
