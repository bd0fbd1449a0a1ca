package io.waferflow.config;

import java.io.Serializable;

/**
 * How one family of conditions becomes alerts: fire when the condition held in {@code fireN} of the last {@code fireM}
 * windows, resolve after {@code resolveK} windows without it, start no new episode within {@code cooldownMs} of a
 * resolution, escalate a P2 that has fired for {@code escalateAfterMs}. {@code windowMs} is the family's window cadence
 * (drift window, wafer window) and {@code graceMs} how long after a window's end its observation can still arrive (the
 * wafer windows' allowed lateness). All times are event time.
 */
public final class AlertPolicySpec implements Serializable {

    private static final long serialVersionUID = 1L;

    public final String name;
    public final int fireN;
    public final int fireM;
    public final int resolveK;
    public final long cooldownMs;
    public final long escalateAfterMs;
    public final long windowMs;
    public final long graceMs;

    public AlertPolicySpec(
            String name,
            int fireN,
            int fireM,
            int resolveK,
            long cooldownMs,
            long escalateAfterMs,
            long windowMs,
            long graceMs) {
        this.name = name;
        this.fireN = fireN;
        this.fireM = fireM;
        this.resolveK = resolveK;
        this.cooldownMs = cooldownMs;
        this.escalateAfterMs = escalateAfterMs;
        this.windowMs = windowMs;
        this.graceMs = graceMs;
    }
}
