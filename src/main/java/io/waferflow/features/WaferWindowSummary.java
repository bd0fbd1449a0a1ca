package io.waferflow.features;

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
    public int[] dieKeys;
    public long[] dieStamps;

    public WaferWindowSummary() {}
}
