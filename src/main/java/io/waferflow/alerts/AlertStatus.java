package io.waferflow.alerts;

/** An alert notification is either the start of a condition (or its escalation) or its end. */
public enum AlertStatus {
    FIRING,
    RESOLVED
}
