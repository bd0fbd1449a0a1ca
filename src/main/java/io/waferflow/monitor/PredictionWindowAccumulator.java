package io.waferflow.monitor;

import io.waferflow.drift.Distribution;
import io.waferflow.sketch.QuantileSketches;
import java.util.Arrays;

/**
 * The running distributions of one model version's predictions in one monitor window. Column 0 is what the model
 * predicted (a classification's score, a regression's value); the other columns are its inputs, by name, added when an
 * input first appears in the window. Per column: the exact moments (count, Welford mean and M2) and the values in a
 * {@link QuantileSketches} column (exact up to its limit, a KLL sketch beyond). Updated prediction by prediction: no
 * prediction ever becomes a sketch of its own. A Flink POJO (the sketches through their own serializer).
 */
public class PredictionWindowAccumulator {

    /** The name of column 0 (and of the concept-drift feature, {@code <model key>:prediction}). */
    public static final String PREDICTION = "prediction";

    /** Predictions in the window, with or without a usable prediction value. */
    public long predictions;

    public String[] names;
    /** Non-NaN values per column. */
    public long[] count;

    public double[] mean;
    /** Sum of squared deviations from the mean (Welford). */
    public double[] m2;

    public QuantileSketches sketches;

    public PredictionWindowAccumulator() {}

    /**
     * An empty window with only the prediction column; sketches of parameter {@code k} once values exceed the limit.
     */
    public static PredictionWindowAccumulator create(int k) {
        PredictionWindowAccumulator a = new PredictionWindowAccumulator();
        a.names = new String[] {PREDICTION};
        a.count = new long[1];
        a.mean = new double[1];
        a.m2 = new double[1];
        a.sketches = QuantileSketches.create(1, k);
        return a;
    }

    /** Adds a value to a column; NaN (no value) is ignored. */
    public void add(int column, double v) {
        if (Double.isNaN(v)) {
            return;
        }
        long n = ++count[column];
        double delta = v - mean[column];
        mean[column] += delta / n;
        m2[column] += delta * (v - mean[column]);
        sketches.update(column, v);
    }

    /**
     * The column of the input {@code name}, a new one if it is not there yet. {@code hint} is where it usually is (a
     * model sends its inputs in the same order every time), so the lookup is one comparison in the common case.
     */
    public int inputColumn(String name, int hint) {
        if (hint > 0 && hint < names.length && names[hint].equals(name)) {
            return hint;
        }
        for (int c = 1; c < names.length; c++) {
            if (names[c].equals(name)) {
                return c;
            }
        }
        int c = names.length;
        names = Arrays.copyOf(names, c + 1);
        names[c] = name;
        count = Arrays.copyOf(count, c + 1);
        mean = Arrays.copyOf(mean, c + 1);
        m2 = Arrays.copyOf(m2, c + 1);
        sketches = sketches.widened(c + 1);
        return c;
    }

    /** A column's values as a drift {@link Distribution} (moments exact, quantiles from the column's sketch). */
    public Distribution distribution(int column) {
        return Distribution.of(sketches.toSketch(column), count[column], mean[column], m2[column]);
    }
}
