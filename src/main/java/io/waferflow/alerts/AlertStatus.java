package io.waferflow.alerts;

import io.waferflow.model.NamedInSavepoints;

/** An alert notification is either the start of a condition (or its escalation) or its end. */
@NamedInSavepoints
public enum AlertStatus {
    FIRING,
    RESOLVED
}
