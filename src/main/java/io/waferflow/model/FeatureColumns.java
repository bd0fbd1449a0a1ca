package io.waferflow.model;

import io.waferflow.features.WaferFeatures;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The feature columns of {@code wafer_aggregates}, in the order both stores write them: {@code device_count},
 * {@code yield_pct}, then {@code <parameter>_mean|std|min|max|p50|p95} for every parametric test, then
 * {@code avg_test_time_ms} and {@code neighbor_yield_avg}, then the data-quality columns
 * {@code dq_<parameter>_null_rate|flagged_rate}, {@code dq_devices_flagged_pct} and {@code dq_quarantine_rate}. One
 * definition serves Redis, Parquet and readers.
 */
public final class FeatureColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEVICE_COUNT = "device_count";
    public static final String YIELD_PCT = "yield_pct";
    public static final String AVG_TEST_TIME_MS = "avg_test_time_ms";
    public static final String NEIGHBOR_YIELD_AVG = "neighbor_yield_avg";
    public static final List<String> PER_PARAMETER = List.of("mean", "std", "min", "max", "p50", "p95");
    public static final String DQ_DEVICES_FLAGGED_PCT = "dq_devices_flagged_pct";
    public static final String DQ_QUARANTINE_RATE = "dq_quarantine_rate";

    private final List<String> names;
    private final int parameters;

    public FeatureColumns(List<String> parameterNames) {
        List<String> n = new ArrayList<>();
        n.add(DEVICE_COUNT);
        n.add(YIELD_PCT);
        for (String p : parameterNames) {
            for (String stat : PER_PARAMETER) {
                n.add(p + "_" + stat);
            }
        }
        n.add(AVG_TEST_TIME_MS);
        n.add(NEIGHBOR_YIELD_AVG);
        for (String p : parameterNames) {
            n.add("dq_" + p + "_null_rate");
            n.add("dq_" + p + "_flagged_rate");
        }
        n.add(DQ_DEVICES_FLAGGED_PCT);
        n.add(DQ_QUARANTINE_RATE);
        this.names = Collections.unmodifiableList(n);
        this.parameters = parameterNames.size();
    }

    public List<String> names() {
        return names;
    }

    /** The value type the stores write a column as: {@code device_count} a whole number, every other a double. */
    public static String type(String column) {
        return DEVICE_COUNT.equals(column) ? "long" : "double";
    }

    public int size() {
        return names.size();
    }

    /** Column {@code c} of a row; NaN means null. Column 0 ({@code device_count}) is a whole number. */
    public double value(WaferFeatures f, int c) {
        if (c == 0) {
            return f.deviceCount;
        }
        if (c == 1) {
            return f.yieldPct;
        }
        int perParam = PER_PARAMETER.size();
        int p = c - 2;
        if (p < parameters * perParam) {
            int param = p / perParam;
            switch (p % perParam) {
                case 0:
                    return f.mean[param];
                case 1:
                    return f.std[param];
                case 2:
                    return f.min[param];
                case 3:
                    return f.max[param];
                case 4:
                    return f.p50[param];
                default:
                    return f.p95[param];
            }
        }
        int q = p - parameters * perParam;
        if (q == 0) {
            return f.avgTestTimeMs;
        }
        if (q == 1) {
            return f.neighborYieldAvg;
        }
        int dq = q - 2;
        if (dq < 2 * parameters) {
            return dq % 2 == 0 ? f.nullRate[dq / 2] : f.flaggedRate[dq / 2];
        }
        return dq == 2 * parameters ? f.devicesFlaggedPct : f.quarantineRate;
    }

    /** An empty row with room for every column: per-parameter arrays of the declared parameters' size. */
    public WaferFeatures newRow() {
        return WaferFeatures.forParameters(parameters);
    }

    /**
     * Sets column {@code c} of a row made by {@link #newRow}, the inverse of {@link #value}: a store's row read back
     * into the job's record (NaN for null; column 0 is a whole number).
     */
    public void set(WaferFeatures f, int c, double v) {
        if (c == 0) {
            f.deviceCount = (long) v;
            return;
        }
        if (c == 1) {
            f.yieldPct = v;
            return;
        }
        int perParam = PER_PARAMETER.size();
        int p = c - 2;
        if (p < parameters * perParam) {
            double[] stat = switch (p % perParam) {
                case 0 -> f.mean;
                case 1 -> f.std;
                case 2 -> f.min;
                case 3 -> f.max;
                case 4 -> f.p50;
                default -> f.p95;
            };
            stat[p / perParam] = v;
            return;
        }
        int q = p - parameters * perParam;
        if (q == 0) {
            f.avgTestTimeMs = v;
        } else if (q == 1) {
            f.neighborYieldAvg = v;
        } else if (q - 2 < 2 * parameters) {
            int dq = q - 2;
            (dq % 2 == 0 ? f.nullRate : f.flaggedRate)[dq / 2] = v;
        } else if (q - 2 == 2 * parameters) {
            f.devicesFlaggedPct = v;
        } else {
            f.quarantineRate = v;
        }
    }
}
