package io.waferflow.alerts;

/** The alert policy's state for one condition (one alert key). A Flink POJO. */
public class AlertEpisode {

    /** The {@link AlertPolicySpec} that judges this key. */
    public String policy;

    public boolean firing;
    public String alertId;
    public long firstSeen;
    public long lastSeen;
    public long occurrences;
    public boolean escalated;
    /** Ends of the windows in which the condition held, within the last fire_m windows. */
    public long[] activeWindows = new long[0];

    public long lastActiveEnd = Long.MIN_VALUE;
    /** No new episode before this event time. */
    public long cooldownUntil = Long.MIN_VALUE;
    /** Notifications sent for this key (numbers them, so every notification has its own id). */
    public int notifications;
    /** The latest observation's context, copied into notifications. */
    public Alert context;

    public AlertEpisode() {}
}
