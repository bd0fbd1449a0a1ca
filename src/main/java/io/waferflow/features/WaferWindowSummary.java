package io.waferflow.features;

import io.waferflow.drift.Distribution;

/**
 * What a wafer window yields when it fires: the window's statistics and its die list, before the per-wafer stage
 * adds neighbour yield. {@link #revision} is 0 for the on-time firing and counts late re-firings. A Flink POJO.
 */
public class WaferWindowSummary {

    public String waferId;
    public String lotId;
    public long windowStart;
    public long windowEnd;
    public int revision;
    public long deviceCount;
    public long passCount;
    public double avgTestTimeMs;
    public double[] mean;
    public double[] std;
    public double[] min;
    public double[] max;
    public double[] p50;
    public double[] p95;
    /** Data quality: share of devices with no reading of parameter i. */
    public double[] nullRate;
    /** Data quality: share of devices whose parameter i broke a value rule (range, allowed values). */
    public double[] flaggedRate;
    /** Data quality: percent of devices with any flagged field. */
    public double devicesFlaggedPct;
    /** Data quality: share of the wafer window's records that were quarantined. */
    public double quarantineRate;
    /** Per parameter, its values' sketch and moments, when drift detection is on (else null). */
    public Distribution[] distributions;
    public int[] dieKeys;
    public long[] dieStamps;

    public WaferWindowSummary() {}
}
