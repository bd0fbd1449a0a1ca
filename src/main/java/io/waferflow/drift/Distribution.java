package io.waferflow.drift;

import io.waferflow.model.NamedInSavepoints;
import io.waferflow.model.ReproducibleKll;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * The distribution of one feature's values: exact moments (count, Welford mean and M2, min, max) and a KLL quantile
 * sketch in its compact binary form. Mergeable, a few KB however many values it summarises, and a Flink POJO (the
 * sketch is a {@code byte[]} field), so it evolves with Flink's POJO schema rules and never goes through Kryo
 * (Serializable only so a baseline read at start-up can travel inside an operator).
 *
 * <p>Exact while small: up to {@link #EXACT_VALUES} values the sketch is a KLL sketch of that size, which holds every
 * value with weight 1 (never in estimation mode), so quantiles are the true ones and drift statistics use ε = 0. Past
 * the bound, the values go into a sketch of the configured k, which itself holds every value up to k (with the shipped
 * {@code drift.sketch_k} of 1,536, a distribution is exact up to 1,536 values). Same compact-bytes format either way,
 * so the state schema (and state written by 0.1.0, all k-sized sketches) is unchanged; at the bound a distribution is
 * about 8.3 KB. Updates and merges go through {@link ReproducibleKll}: the same values in the same order give the same
 * bytes.
 */
@NamedInSavepoints
public class Distribution implements Serializable {

    private static final long serialVersionUID = 1L;

    public long n;
    public double mean;
    /** Sum of squared deviations from the mean. */
    public double m2;

    public double min = Double.NaN;
    public double max = Double.NaN;
    /** {@link KllDoublesSketch#toByteArray()} of the values; null when empty. */
    public byte[] sketch;

    /**
     * Values per distribution kept exactly (the same bound as the wafer windows' quantiles, {@code QuantileSketches}).
     */
    public static final int EXACT_VALUES = 1024;

    public Distribution() {}

    public static Distribution of(KllDoublesSketch sketch, long n, double mean, double m2) {
        Distribution d = new Distribution();
        d.n = n;
        d.mean = n == 0 ? 0 : mean;
        d.m2 = n == 0 ? 0 : m2;
        if (n > 0) {
            d.min = sketch.getMinItem();
            d.max = sketch.getMaxItem();
            d.sketch = sketch.toByteArray();
        }
        return d;
    }

    /** A distribution of the given values (NaN ignored), sketched with parameter {@code k}. */
    public static Distribution ofValues(double[] values, int k) {
        double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        KllDoublesSketch s =
                ReproducibleKll.of(present, 0, present.length, present.length <= EXACT_VALUES ? EXACT_VALUES : k);
        long n = 0;
        double mean = 0;
        double m2 = 0;
        for (double v : present) {
            n++;
            double delta = v - mean;
            mean += delta / n;
            m2 += delta * (v - mean);
        }
        return of(s, n, mean, m2);
    }

    /** The sketch as a live object; a new empty one of parameter {@code k} when there are no values. */
    public KllDoublesSketch kll(int k) {
        return sketch == null ? KllDoublesSketch.newHeapInstance(k) : KllDoublesSketch.heapify(Memory.wrap(sketch));
    }

    /**
     * This distribution plus {@code other} (Chan et al.'s pairwise update of the moments; sketches merged). An empty
     * distribution starts a sketch of parameter {@code k}, so merging into it sets the sketch size.
     */
    public Distribution merge(Distribution other, int k) {
        if (other.n == 0) {
            return this;
        }
        KllDoublesSketch mine = kll(k);
        KllDoublesSketch theirs = other.kll(k);
        KllDoublesSketch merged;
        if (!mine.isEstimationMode() && !theirs.isEstimationMode() && n + other.n <= EXACT_VALUES) {
            double[] both = concat(values(mine), values(theirs));
            merged = ReproducibleKll.of(both, 0, both.length, EXACT_VALUES);
        } else {
            merged = mine.isEstimationMode() ? mine : sketchOf(mine, k);
            if (theirs.isEstimationMode()) {
                ReproducibleKll.merge(merged, theirs);
            } else {
                double[] v = values(theirs);
                for (double x : v) {
                    ReproducibleKll.update(merged, x);
                }
            }
        }
        long total = n + other.n;
        double delta = other.mean - mean;
        // Into an empty distribution the moments are copied: (mean · n) / n can differ from mean in the last bit.
        Distribution d = n == 0
                ? of(merged, total, other.mean, other.m2)
                : of(
                        merged,
                        total,
                        mean + delta * other.n / total,
                        m2 + other.m2 + delta * delta * ((double) n * other.n / total));
        d.min = n == 0 ? other.min : Math.min(min, other.min);
        d.max = n == 0 ? other.max : Math.max(max, other.max);
        return d;
    }

    /**
     * True when the sketch holds every value (rank error 0): at most {@link #EXACT_VALUES}, or state from 0.1.0 ≤ k.
     */
    public boolean isExact() {
        return sketch == null || !KllDoublesSketch.heapify(Memory.wrap(sketch)).isEstimationMode();
    }

    /** An exact sketch's values in ascending order (each item has weight 1 outside estimation mode). */
    private static double[] values(KllDoublesSketch exact) {
        if (exact.isEmpty()) {
            return new double[0];
        }
        DoublesSortedView view = exact.getSortedView();
        double[] items = view.getQuantiles();
        long[] cumulative = view.getCumulativeWeights();
        double[] out = new double[(int) exact.getN()];
        int o = 0;
        for (int i = 0; i < items.length; i++) {
            for (long w = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]); w > 0; w--) {
                out[o++] = items[i];
            }
        }
        return out;
    }

    /** An exact sketch's values as a sketch of size k (for going past the exact bound). */
    private static KllDoublesSketch sketchOf(KllDoublesSketch exact, int k) {
        double[] v = values(exact);
        return ReproducibleKll.of(v, 0, v.length, k);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    public Distribution copy() {
        Distribution d = new Distribution();
        d.n = n;
        d.mean = mean;
        d.m2 = m2;
        d.min = min;
        d.max = max;
        d.sketch = sketch == null ? null : sketch.clone();
        return d;
    }

    /** Sample standard deviation; NaN below two values. */
    public double std() {
        return n < 2 ? Double.NaN : Math.sqrt(m2 / (n - 1));
    }

    public boolean isEmpty() {
        return n == 0;
    }
}
