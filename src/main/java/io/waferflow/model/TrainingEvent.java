package io.waferflow.model;

/**
 * One input record of a training-set join, keyed by entity: a label row ({@link #input} = {@link #LABEL}) or a feature
 * row of requested input {@link #input} (one group and version). A Flink POJO.
 *
 * <p>{@link #time} is the label time, or the feature row's window end. {@link #sortTime} is the record timestamp the
 * batch sort orders by: even for labels, odd for feature rows, so a feature row sorts before a label exactly when its
 * window ended strictly before the label time, and a label never ties with a feature row.
 */
public class TrainingEvent {

    public static final int LABEL = -1;

    /** Written-at of a row without one (files written before the column existed): never available. */
    public static final long NEVER_WRITTEN = Long.MAX_VALUE;

    public String entity;
    public long time;
    public int input;
    public int revision;
    /** When a feature row was written to the offline store (epoch millis), or {@link #NEVER_WRITTEN}. */
    public long writtenAt;
    /** A feature row's requested values, in the input's order; NaN is null. */
    public double[] values;
    /** A label row's other columns as text, in the labels' column order; null is null. */
    public String[] labels;

    public TrainingEvent() {}

    public static TrainingEvent label(String entity, long time, String[] labels) {
        TrainingEvent e = new TrainingEvent();
        e.entity = entity;
        e.time = time;
        e.input = LABEL;
        e.labels = labels;
        e.writtenAt = NEVER_WRITTEN;
        return e;
    }

    public static TrainingEvent featureRow(
            String entity, int input, long windowEnd, int revision, long writtenAt, double[] values) {
        TrainingEvent e = new TrainingEvent();
        e.entity = entity;
        e.time = windowEnd;
        e.input = input;
        e.revision = revision;
        e.writtenAt = writtenAt;
        e.values = values;
        return e;
    }

    public boolean isLabel() {
        return input == LABEL;
    }

    /** 2t for a label, 2t+1 for a feature row of window end t: window end &lt; label time ⇔ it sorts first. */
    public long sortTime() {
        long doubled = Math.multiplyExact(time, 2L);
        return isLabel() ? doubled : doubled + 1;
    }

    /** Whether this feature row is newer than {@code other} (null counts as oldest): later window, then revision. */
    public boolean newerThan(TrainingEvent other) {
        if (other == null) {
            return true;
        }
        if (time != other.time) {
            return time > other.time;
        }
        if (revision != other.revision) {
            return revision > other.revision;
        }
        // The same revision of a window written twice (a replay): the earlier write is the one readers saw first.
        return writtenAt < other.writtenAt;
    }
}
