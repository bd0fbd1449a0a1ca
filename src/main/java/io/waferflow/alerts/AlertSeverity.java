package io.waferflow.alerts;

import io.waferflow.model.NamedInSavepoints;

/** SPEC 5, as an on-call engineer reads it. */
@NamedInSavepoints
public enum AlertSeverity {
    /** The pipeline cannot serve: store down, critical data for a whole wafer. */
    P0,
    /** Several features drifting at once, a wafer rejected, a P2 that persisted past its escalation time. */
    P1,
    /** A single feature drifting, a wafer window over the range-violation rate, a shifted wafer mean. */
    P2,
    /** Informational: anomalies such as IQR outliers. */
    P3
}
