package io.waferflow.sketch;

import io.waferflow.model.ReproducibleKll;
import java.io.IOException;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The quantiles of each parametric test in one wafer window: the values themselves while there are at most
 * {@link #EXACT_VALUES} of them, then a mergeable KLL sketch (Apache DataSketches {@link KllDoublesSketch}, size k).
 *
 * <p>Why not a sketch from the start: kept exactly, a window's p50 and p95 are the true nearest-rank quantiles; a wafer
 * window rarely holds more than a thousand values of a parameter. Beyond that the state stays a few KB whatever the
 * count, at the sketch's rank error {@link #rankError(int)}. The sketch compacts through {@link ReproducibleKll}, so
 * the same values in the same order give the same sketch and quantiles in every run, replay and backfill.
 *
 * <p>Serialized by {@link QuantileSketchesSerializer} (never Kryo): a sketch as DataSketches' compact bytes, exact
 * values as doubles. On the heap state backend the live objects are updated in place.
 */
@TypeInfo(QuantileSketchesTypeInfo.Factory.class)
public final class QuantileSketches {

    public static final int DEFAULT_K = 200;
    /** Values of one parameter kept exactly before they go into a sketch. */
    public static final int EXACT_VALUES = 1024;
    /** In the serialized form, where a sketch has its byte length (never negative): exact values follow. */
    private static final int EXACT_MARKER = -1;

    private final int k;
    /** Per parameter: the sketch, or null while its values are kept exactly. */
    private final KllDoublesSketch[] sketches;
    /** Per parameter: the values in arrival order (the first {@link #sizes} of them), or null once sketched. */
    private final double[][] values;

    private final int[] sizes;

    private QuantileSketches(int k, int count) {
        this.k = k;
        this.sketches = new KllDoublesSketch[count];
        this.values = new double[count][];
        this.sizes = new int[count];
    }

    public static QuantileSketches create(int count, int k) {
        QuantileSketches q = new QuantileSketches(k, count);
        Arrays.fill(q.values, new double[0]);
        return q;
    }

    public int size() {
        return sketches.length;
    }

    /** Adds a value; NaN (a null reading) is ignored. */
    public void update(int i, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        if (sketches[i] != null) {
            ReproducibleKll.update(sketches[i], value);
            return;
        }
        if (sizes[i] == EXACT_VALUES) {
            ReproducibleKll.update(sketch(i), value);
            return;
        }
        if (sizes[i] == values[i].length) {
            values[i] = Arrays.copyOf(values[i], Math.max(16, Math.min(EXACT_VALUES, sizes[i] * 2)));
        }
        values[i][sizes[i]++] = value;
    }

    /**
     * These parameters followed by {@code count - size()} empty ones, for a parameter first seen after the sketches
     * were created. The result takes over this instance's columns: use only the result afterwards.
     */
    public QuantileSketches widened(int count) {
        QuantileSketches w = create(count, k);
        System.arraycopy(sketches, 0, w.sketches, 0, sketches.length);
        System.arraycopy(values, 0, w.values, 0, values.length);
        System.arraycopy(sizes, 0, w.sizes, 0, sizes.length);
        return w;
    }

    public void merge(QuantileSketches other) {
        for (int i = 0; i < sketches.length; i++) {
            if (sketches[i] == null && other.sketches[i] == null && sizes[i] + other.sizes[i] <= EXACT_VALUES) {
                for (int v = 0; v < other.sizes[i]; v++) {
                    update(i, other.values[i][v]);
                }
            } else if (other.sketches[i] == null) {
                KllDoublesSketch mine = sketch(i);
                for (int v = 0; v < other.sizes[i]; v++) {
                    ReproducibleKll.update(mine, other.values[i][v]);
                }
            } else {
                ReproducibleKll.merge(sketch(i), other.sketches[i]);
            }
        }
    }

    /** Turns parameter i's exact values into a sketch (once), and returns it. */
    private KllDoublesSketch sketch(int i) {
        if (sketches[i] == null) {
            sketches[i] = ReproducibleKll.of(values[i], 0, sizes[i], k);
            values[i] = null;
            sizes[i] = 0;
        }
        return sketches[i];
    }

    /**
     * Parameter i's values as a KLL sketch (for a drift {@code Distribution}): while exact, a sketch of size
     * {@link #EXACT_VALUES} that holds every value (never in estimation mode, so drift statistics use ε = 0); otherwise
     * a copy of the live sketch of size k.
     */
    public KllDoublesSketch toSketch(int i) {
        if (sketches[i] != null) {
            return KllDoublesSketch.heapify(Memory.wrap(sketches[i].toByteArray()));
        }
        return ReproducibleKll.of(values[i], 0, sizes[i], EXACT_VALUES);
    }

    public long count(int i) {
        return sketches[i] != null ? sketches[i].getN() : sizes[i];
    }

    /**
     * Nearest-rank quantiles: for each rank, the smallest value {@code v} with at least {@code rank · n} values
     * {@code ≤ v}. Exact while the values are kept (sorted once for all ranks); NaN when there are none.
     */
    public double[] quantiles(int i, double... ranks) {
        double[] out = new double[ranks.length];
        if (count(i) == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        if (sketches[i] != null) {
            for (int r = 0; r < ranks.length; r++) {
                out[r] = sketches[i].getQuantile(ranks[r], QuantileSearchCriteria.INCLUSIVE);
            }
            return out;
        }
        int n = sizes[i];
        double[] sorted = Arrays.copyOf(values[i], n);
        Arrays.sort(sorted);
        for (int r = 0; r < ranks.length; r++) {
            out[r] = sorted[Math.max(0, (int) Math.ceil(ranks[r] * n) - 1)];
        }
        return out;
    }

    public double quantile(int i, double rank) {
        return quantiles(i, rank)[0];
    }

    /** Normalized rank error of a single-quantile query: 0 while exact, about 1.3 % for a sketch with k = 200. */
    public double rankError(int i) {
        return isExact(i) ? 0 : sketches[i].getNormalizedRankError(false);
    }

    public boolean isExact(int i) {
        return sketches[i] == null || !sketches[i].isEstimationMode();
    }

    QuantileSketches copy() {
        QuantileSketches c = new QuantileSketches(k, sketches.length);
        for (int i = 0; i < sketches.length; i++) {
            if (sketches[i] != null) {
                c.sketches[i] = KllDoublesSketch.heapify(Memory.wrap(sketches[i].toByteArray()));
            } else {
                c.values[i] = Arrays.copyOf(values[i], sizes[i]);
                c.sizes[i] = sizes[i];
            }
        }
        return c;
    }

    /**
     * The parameter count, then per parameter either a sketch (its byte length, then DataSketches' compact bytes: the
     * only form before exact values existed, so older state reads unchanged) or {@link #EXACT_MARKER}, k, the value
     * count and the values.
     */
    void write(DataOutputView out) throws IOException {
        out.writeInt(sketches.length);
        for (int i = 0; i < sketches.length; i++) {
            if (sketches[i] != null) {
                byte[] bytes = sketches[i].toByteArray();
                out.writeInt(bytes.length);
                out.write(bytes);
            } else {
                out.writeInt(EXACT_MARKER);
                out.writeInt(k);
                out.writeInt(sizes[i]);
                for (int v = 0; v < sizes[i]; v++) {
                    out.writeDouble(values[i][v]);
                }
            }
        }
    }

    static QuantileSketches read(DataInputView in) throws IOException {
        int count = in.readInt();
        KllDoublesSketch[] sketches = new KllDoublesSketch[count];
        double[][] values = new double[count][];
        int[] sizes = new int[count];
        int k = DEFAULT_K;
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length == EXACT_MARKER) {
                k = in.readInt();
                sizes[i] = in.readInt();
                values[i] = new double[sizes[i]];
                for (int v = 0; v < sizes[i]; v++) {
                    values[i][v] = in.readDouble();
                }
            } else {
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                sketches[i] = KllDoublesSketch.heapify(Memory.wrap(bytes));
                k = sketches[i].getK();
            }
        }
        QuantileSketches q = new QuantileSketches(k, count);
        System.arraycopy(sketches, 0, q.sketches, 0, count);
        System.arraycopy(values, 0, q.values, 0, count);
        System.arraycopy(sizes, 0, q.sizes, 0, count);
        return q;
    }

    /** Copies one serialized instance from {@code in} to {@code out} without building it. */
    static void copy(DataInputView in, DataOutputView out) throws IOException {
        int count = in.readInt();
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            out.writeInt(length);
            if (length == EXACT_MARKER) {
                out.writeInt(in.readInt()); // k
                int n = in.readInt();
                out.writeInt(n);
                out.write(in, n * Double.BYTES);
            } else {
                out.write(in, length);
            }
        }
    }
}
