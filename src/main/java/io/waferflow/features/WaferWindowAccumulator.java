package io.waferflow.features;

import io.waferflow.sketch.QuantileSketches;

/**
 * Running aggregates of one wafer window, updated record by record (no record is buffered): counts, Welford mean and M2
 * per parameter, min/max, a KLL sketch per parameter for p50/p95, and the window's die list (coordinates, outcome and
 * time; 12 bytes per die) for neighbour yield. A Flink POJO.
 */
public class WaferWindowAccumulator {

    public String lotId;
    public long deviceCount;
    public long passCount;
    public double testTimeSum;
    /** Non-null readings per parameter (nullable parameters can have fewer than deviceCount). */
    public long[] count;

    public double[] mean;
    /** Sum of squared deviations from the mean (Welford), for the sample standard deviation. */
    public double[] m2;

    public double[] min;
    public double[] max;
    public QuantileSketches sketches;
    /** Records whose parameter i broke a value rule (range, allowed values): flagged, still aggregated. */
    public long[] flagged;
    /** Records with any flagged field. */
    public long devicesFlagged;
    /** Quarantined records of this wafer and window (they count in nothing else). */
    public long quarantined;

    public int dieCount;
    /** {@link DieKeys#key(int, int)} of each test in the window, in arrival order. */
    public int[] dieKeys;
    /** {@link DieKeys#stamp(long, boolean)} of each test in the window. */
    public long[] dieStamps;
    /**
     * Per drift group seen in the window ({@code drift.group_by}), its values; null without grouping (and in state
     * written before grouping existed).
     */
    public GroupAccumulator[] groups;

    public WaferWindowAccumulator() {}
}
