package io.waferflow.alerts;

/**
 * One window's observation of one alert condition: whether it held, and the context an alert would carry. Drift
 * conditions are observed in every drift window (held or not); data-quality conditions only when they held (a wafer
 * window without a finding produces nothing, and the policy counts its absence as "clear"). A Flink POJO.
 */
public class AlertSignal {

    /** The condition: type + subject, e.g. {@code drift:vdd}, {@code dq:W0042:vdd:range_violations}. */
    public String key;
    /** Which {@link AlertPolicySpec} judges it: {@code drift} or {@code data_quality}. */
    public String policy;

    public boolean active;
    public long windowStart;
    public long windowEnd;
    /** Type, subject, severity, title, message and the numbers behind them. */
    public Alert context;

    public AlertSignal() {}

    /** The observation of {@code context}'s key and window, judged by {@code policy}. */
    public static AlertSignal of(Alert context, String policy, boolean active) {
        AlertSignal s = new AlertSignal();
        s.key = context.key;
        s.policy = policy;
        s.active = active;
        s.windowStart = context.windowStart;
        s.windowEnd = context.windowEnd;
        s.context = context;
        return s;
    }

    @Override
    public String toString() {
        return key + "@" + windowEnd + (active ? " active" : " clear");
    }
}
