package io.waferflow.alerts;

/** Alerts as the policy operator would emit them, for the sink, JSON and command tests. */
public final class TestAlerts {

    /** 2026-11-27T10:00:00Z. */
    public static final long T0 = 1_795_773_600_000L;

    private static final long HOUR = 3_600_000L;

    private TestAlerts() {}

    /** A single-feature drift alert on vdd with every drift number set. */
    public static Alert drift(String notificationId, AlertSeverity severity) {
        Alert a = new Alert();
        a.notificationId = notificationId;
        a.alertId = "drift:vdd@" + T0;
        a.key = "drift:vdd";
        a.type = "drift";
        a.subject = "vdd";
        a.severity = severity;
        a.status = AlertStatus.FIRING;
        a.title = "vdd drifting: PSI 0.31, mean +2.50 σ";
        a.message = "vdd moved from 1.2 ± 0.02 V to 1.25 ± 0.03 V in the drift window ending 12:00 (3 of the last 4 "
                + "windows)";
        a.firstSeen = T0;
        a.lastSeen = T0 + 2 * HOUR;
        a.occurrences = 3;
        a.windowStart = T0 + HOUR;
        a.windowEnd = T0 + 2 * HOUR;
        a.feature = "vdd";
        a.baselineMean = 1.2;
        a.baselineStd = 0.02;
        a.currentMean = 1.25;
        a.currentStd = 0.03;
        a.shiftSigma = 2.5;
        a.psi = 0.31;
        a.ksD = 0.12;
        a.ksPValue = 3.5e-9;
        a.fdrThreshold = 0.0125;
        a.nBaseline = 5000;
        a.nCurrent = 1200;
        return AlertGuidance.apply(a);
    }

    /** A wafer alert (range violations of idd on W0042): no drift numbers, so they stay NaN. */
    public static Alert rangeViolations(String notificationId, AlertSeverity severity) {
        Alert a = new Alert();
        a.notificationId = notificationId;
        a.alertId = "dq:W0042:idd:range_violations@" + T0;
        a.key = "dq:W0042:idd:range_violations";
        a.type = "range_violations";
        a.subject = "W0042";
        a.severity = severity;
        a.status = AlertStatus.FIRING;
        a.title = "W0042: 7.5 % of devices out of range on idd";
        a.message = "idd out of its range 0..200 mA on 7.5 % of wafer W0042's devices (threshold 5 %)";
        a.firstSeen = T0;
        a.lastSeen = T0;
        a.occurrences = 1;
        a.windowStart = T0 - 300_000;
        a.windowEnd = T0;
        a.waferId = "W0042";
        a.lotId = "L7";
        a.field = "idd";
        a.rate = 0.075;
        a.threshold = 0.05;
        return AlertGuidance.apply(a);
    }
}
