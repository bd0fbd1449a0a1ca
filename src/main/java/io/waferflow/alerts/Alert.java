package io.waferflow.alerts;

import io.waferflow.model.NamedInSavepoints;

/**
 * One alert notification (SPEC 2.2 "Alerts", 5): what fired or resolved, for which subject, how bad, with the numbers
 * behind it, how long it has held, what probably caused it and what to do. A Flink POJO (no maps: every context value
 * is a field; NaN / null where it does not apply).
 *
 * <p>{@link #key} identifies the condition (type + subject, e.g. {@code drift:vdd},
 * {@code dq:W0042:vdd:range_violations}); {@link #alertId} one episode of it (key + first seen), and
 * {@link #notificationId} one notification of that episode (firing, escalated, resolved), so receivers can drop a
 * notification re-sent after a failover.
 */
@NamedInSavepoints
public class Alert {

    public String notificationId;
    public String alertId;
    public String key;
    /** e.g. {@code drift}, {@code drift_multiple}, {@code range_violations}, {@code wafer_rejected}. */
    public String type;
    /** What the alert is about: a feature name, a wafer id, or {@code *} for job-wide conditions. */
    public String subject;

    public AlertSeverity severity;
    public AlertStatus status;
    /** True on the notification that raised a long-firing P2 to P1. */
    public boolean escalated;

    public String title;
    public String message;

    /** Event time (epoch millis) of the first and latest window in which the condition held in this episode. */
    public long firstSeen;

    public long lastSeen;
    /** Windows in which the condition held in this episode. */
    public long occurrences;
    /** The window of the observation that caused this notification. */
    public long windowStart;

    public long windowEnd;

    // Drift context (NaN when not a drift alert).
    public String feature;
    /** The drift group of a {@code drift_group} alert ({@code tester_id=T07}); null otherwise. */
    public String driftGroup;

    public double baselineMean = Double.NaN;
    public double baselineStd = Double.NaN;
    public double currentMean = Double.NaN;
    public double currentStd = Double.NaN;
    public double shiftSigma = Double.NaN;
    public double psi = Double.NaN;
    public double ksD = Double.NaN;
    public double ksPValue = Double.NaN;
    /** The Benjamini–Hochberg threshold the p-value was compared with in its window (NaN: no FDR correction). */
    public double fdrThreshold = Double.NaN;

    public long nBaseline;
    public long nCurrent;
    /** Features drifting in the same window (drift_multiple), comma-separated. */
    public String features;

    // Data-quality context (null / NaN when not a wafer alert).
    public String waferId;
    public String lotId;
    public String field;
    public double rate = Double.NaN;
    public double threshold = Double.NaN;

    public String[] likelyCauses;
    public String[] recommendedActions;
    /** Relative link to the runbook, e.g. {@code docs/runbooks/drift.md}. */
    public String runbook;

    public Alert() {}

    @Override
    public String toString() {
        return severity + " " + status + (escalated ? " (escalated)" : "") + " " + key + ": " + title;
    }
}
