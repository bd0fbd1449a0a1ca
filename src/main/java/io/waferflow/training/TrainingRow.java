package io.waferflow.training;

/**
 * One training-set row: a label with, per requested input (group and version), the status of its join, the window end
 * of the row joined and that row's requested values (only when the status is ok). A Flink POJO.
 */
public class TrainingRow {

    /** {@link #windowEnds} of an input without a row joined. */
    public static final long NO_WINDOW = Long.MIN_VALUE;

    public String entity;
    public long labelTime;
    public String[] labels;
    /** Per input, {@link JoinStatus#ordinal()}. */
    public int[] statuses;

    public long[] windowEnds;
    /** Per input, the requested values (NaN is null); null unless the status is ok. */
    public double[][] values;

    public TrainingRow() {}

    public JoinStatus status(int input) {
        return JoinStatus.values()[statuses[input]];
    }
}
