package io.waferflow.savepoints;

/** What {@code savepoint inspect} reads out of a savepoint, one POJO per kind of state. */
public final class StateRows {

    private StateRows() {}

    /** A drift baseline and the feature's open drift windows. */
    public static class Baseline {
        public String feature;
        public String id;
        public boolean complete;
        public long n;
        public double mean;
        public double std;
        public double p05;
        public double p50;
        public double p95;
        /** The KLL parameter k of the baseline's sketch. */
        public int sketchK;

        public int openDriftWindows;
        public long openDriftValues;

        public Baseline() {}
    }

    /** One wafer's per-wafer state in the finalizer. */
    public static class Wafer {
        public String waferId;
        public int diesKnown;
        public int pendingWindows;
        public long newestOnlineWindowEnd;
        public long quietDeadline;

        public Wafer() {}
    }

    /** One open wafer window in the window operator. */
    public static class Window {
        public String waferId;
        public long windowStart;
        public long windowEnd;
        public long devices;

        public Window() {}
    }

    /** One alert key's policy state. */
    public static class AlertState {
        public String key;
        public boolean firing;
        public String alertId;
        public long firstSeen;
        public long lastSeen;
        public long occurrences;
        public int recentActiveWindows;

        public AlertState() {}
    }
}
