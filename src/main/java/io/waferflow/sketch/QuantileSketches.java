package io.waferflow.sketch;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One mergeable KLL quantile sketch per parametric test (Apache DataSketches {@link KllDoublesSketch}). State stays
 * a few KB per parameter however many values a window holds; a sketch is exact until it first compacts (about
 * {@code k} values) and has normalized rank error {@link #rankError()} after that.
 *
 * <p>Serialized by {@link QuantileSketchesSerializer} in the sketch's own compact binary format (never Kryo); on the
 * heap state backend the live sketch objects are updated in place, so no per-record serialization happens.
 */
@TypeInfo(QuantileSketchesTypeInfo.Factory.class)
public final class QuantileSketches {

    public static final int DEFAULT_K = 200;

    private final KllDoublesSketch[] sketches;

    QuantileSketches(KllDoublesSketch[] sketches) {
        this.sketches = sketches;
    }

    public static QuantileSketches create(int count, int k) {
        KllDoublesSketch[] s = new KllDoublesSketch[count];
        for (int i = 0; i < count; i++) {
            s[i] = KllDoublesSketch.newHeapInstance(k);
        }
        return new QuantileSketches(s);
    }

    public int size() {
        return sketches.length;
    }

    /** The live sketch of parameter i (to merge or serialize; do not update it outside this class). */
    public KllDoublesSketch sketch(int i) {
        return sketches[i];
    }

    /** Adds a value; NaN (a null reading) is ignored. */
    public void update(int i, double value) {
        if (!Double.isNaN(value)) {
            sketches[i].update(value);
        }
    }

    public void merge(QuantileSketches other) {
        for (int i = 0; i < sketches.length; i++) {
            sketches[i].merge(other.sketches[i]);
        }
    }

    public long count(int i) {
        return sketches[i].getN();
    }

    /**
     * The nearest-rank quantile: the smallest retained value {@code v} with at least {@code rank · n} values
     * {@code ≤ v}. Exact while the sketch has not compacted; NaN when empty.
     */
    public double quantile(int i, double rank) {
        KllDoublesSketch s = sketches[i];
        return s.isEmpty() ? Double.NaN : s.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /** Normalized rank error of a single-quantile query (about 1.3 % for k = 200). */
    public double rankError(int i) {
        return sketches[i].getNormalizedRankError(false);
    }

    public boolean isExact(int i) {
        return !sketches[i].isEstimationMode();
    }
}
