package io.waferflow.drift;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * An empirical distribution function as a step function: sorted distinct points and the share of values ≤ each. Built
 * either from all values (exact, rank error 0) or from a KLL sketch's sorted view (its retained items and their
 * weights; rank error ε). PSI and KS are computed from two of these by the same code in both cases, so the exact and
 * sketch modes of the {@code drift} command and the streaming detector differ only in their input.
 */
public final class StepCdf {

    private final double[] points;
    private final double[] cumulative;
    private final long n;
    private final double rankError;

    private StepCdf(double[] points, double[] cumulative, long n, double rankError) {
        this.points = points;
        this.cumulative = cumulative;
        this.n = n;
        this.rankError = rankError;
    }

    /** Exact: every value counts (NaN ignored). */
    public static StepCdf exact(double[] values) {
        double[] sorted =
                Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int distinct = 0;
        double[] points = new double[sorted.length];
        double[] cumulative = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 < sorted.length && sorted[i + 1] == sorted[i]) {
                continue; // the last of equal values carries their cumulative share
            }
            points[distinct] = sorted[i];
            cumulative[distinct] = (double) (i + 1) / sorted.length;
            distinct++;
        }
        return new StepCdf(Arrays.copyOf(points, distinct), Arrays.copyOf(cumulative, distinct), sorted.length, 0);
    }

    /**
     * From a sketch: exact while the sketch still holds every value, otherwise with the sketch's normalized rank error
     * for CDF/PMF queries (the double-sided bound DataSketches gives at 99 % confidence).
     */
    public static StepCdf of(KllDoublesSketch sketch) {
        if (sketch.isEmpty()) {
            return new StepCdf(new double[0], new double[0], 0, 0);
        }
        DoublesSortedView view = sketch.getSortedView();
        double[] items = view.getQuantiles();
        long[] weights = view.getCumulativeWeights();
        long total = view.getN();
        int distinct = 0;
        double[] points = new double[items.length];
        double[] cumulative = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            if (i + 1 < items.length && items[i + 1] == items[i]) {
                continue;
            }
            points[distinct] = items[i];
            cumulative[distinct] = (double) weights[i] / total;
            distinct++;
        }
        double error = sketch.isEstimationMode() ? sketch.getNormalizedRankError(true) : 0;
        return new StepCdf(Arrays.copyOf(points, distinct), Arrays.copyOf(cumulative, distinct), total, error);
    }

    public static StepCdf of(Distribution d, int k) {
        return of(d.kll(k));
    }

    public long n() {
        return n;
    }

    public boolean isEmpty() {
        return n == 0;
    }

    /** 0 when every value is known; the sketch's ε otherwise. */
    public double rankError() {
        return rankError;
    }

    /** Share of values ≤ x. */
    public double cdf(double x) {
        int i = Arrays.binarySearch(points, x);
        if (i >= 0) {
            return cumulative[i];
        }
        int below = -i - 2; // last point < x
        return below < 0 ? 0 : cumulative[below];
    }

    /** Nearest-rank quantile: the smallest point whose share of values ≤ it is at least {@code rank}. */
    public double quantile(double rank) {
        for (int lo = 0, hi = points.length - 1; ; ) {
            if (lo >= hi) {
                return points[Math.min(lo, points.length - 1)];
            }
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] >= rank) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
    }

    /** The Kolmogorov–Smirnov distance sup |F − G|, walking both step functions in order. */
    public static double ksDistance(StepCdf f, StepCdf g) {
        int i = 0;
        int j = 0;
        double fx = 0;
        double gx = 0;
        double d = 0;
        while (i < f.points.length || j < g.points.length) {
            double x = j >= g.points.length || (i < f.points.length && f.points[i] <= g.points[j])
                    ? f.points[i]
                    : g.points[j];
            while (i < f.points.length && f.points[i] <= x) {
                fx = f.cumulative[i++];
            }
            while (j < g.points.length && g.points[j] <= x) {
                gx = g.cumulative[j++];
            }
            d = Math.max(d, Math.abs(fx - gx));
        }
        return d;
    }
}
