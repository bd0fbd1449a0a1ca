package io.waferflow.features;

import io.waferflow.model.NamedInSavepoints;
import java.util.Arrays;

/**
 * One row of the {@code wafer_aggregates} feature group: a wafer's features over one event-time window
 * [{@link #windowStart}, {@link #windowEnd}). Per-parameter arrays are in schema order; NaN means "no value" (a
 * standard deviation of one reading, a parameter that was always null, a die with no tested neighbour) and is written
 * as null to the stores. A Flink POJO.
 */
@NamedInSavepoints
public class WaferFeatures {

    public String waferId;
    public String lotId;
    public long windowStart;
    public long windowEnd;
    /** 0 for the on-time result; n for the n-th update by late records. */
    public int revision;

    public long deviceCount;
    public double yieldPct;
    public double[] mean;
    /** Sample standard deviation (n − 1). */
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

    public double avgTestTimeMs;
    public double neighborYieldAvg;

    public WaferFeatures() {}

    /** A row with its per-parameter arrays allocated for {@code parameters} parameters, every value 0. */
    public static WaferFeatures forParameters(int parameters) {
        WaferFeatures f = new WaferFeatures();
        f.mean = new double[parameters];
        f.std = new double[parameters];
        f.min = new double[parameters];
        f.max = new double[parameters];
        f.p50 = new double[parameters];
        f.p95 = new double[parameters];
        f.nullRate = new double[parameters];
        f.flaggedRate = new double[parameters];
        return f;
    }

    @Override
    public String toString() {
        return "WaferFeatures{" + waferId + " [" + windowStart + "," + windowEnd + ") rev=" + revision + " n="
                + deviceCount + " yield=" + yieldPct + " mean=" + Arrays.toString(mean) + " nbr=" + neighborYieldAvg
                + "}";
    }
}
