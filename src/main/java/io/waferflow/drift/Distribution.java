package io.waferflow.drift;

import io.waferflow.model.NamedInSavepoints;
import java.io.Serializable;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The distribution of one feature's values: exact moments (count, Welford mean and M2, min, max) and a KLL quantile
 * sketch in its compact binary form. Mergeable, a few KB however many values it summarises, and a Flink POJO (the
 * sketch is a {@code byte[]} field), so it evolves with Flink's POJO schema rules and never goes through Kryo
 * (Serializable only so a baseline read at start-up can travel inside an operator).
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
        KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
        long n = 0;
        double mean = 0;
        double m2 = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            s.update(v);
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
        KllDoublesSketch merged = kll(k);
        merged.merge(other.kll(k));
        long total = n + other.n;
        double delta = other.mean - mean;
        Distribution d = of(
                merged,
                total,
                mean + delta * other.n / total,
                m2 + other.m2 + delta * delta * ((double) n * other.n / total));
        d.min = n == 0 ? other.min : Math.min(min, other.min);
        d.max = n == 0 ? other.max : Math.max(max, other.max);
        return d;
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
