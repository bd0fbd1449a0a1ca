package io.waferflow.monitor;

import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.Prediction;
import java.util.Arrays;

/**
 * What one model version's window has seen so far, as counts and sums (never the predictions themselves): the confusion
 * matrix of a classification, the error sums of a regression, and which revision was emitted last. The state of
 * {@link ModelWindowMetrics}; a Flink POJO.
 */
public class ModelWindowAccumulator {

    public String model;
    public String modelVersion;
    public String task;
    public long windowStart;
    public long windowEnd;

    public long predictions;
    public long labeled;

    /** Classes seen, sorted; {@code confusion[actual * classes.length + predicted]}. */
    public String[] classes = new String[0];

    public long[] confusion = new long[0];

    /** Sums over labeled regression predictions of e = prediction − actual. */
    public double sumAbsError;

    public double sumSquaredError;
    public double sumError;
    /** Sum of |e| / |actual| over the labeled predictions whose actual is not 0, and how many those are. */
    public double sumAbsPercentError;

    public long percentCount;

    /** Classification predictions with a score, and the sum of their scores: the label-free accuracy estimate. */
    public long scored;

    public double scoreSum;

    /** The revision emitted last, −1 before the first emission. */
    public int revision = -1;
    /** Whether labels or predictions came after the last emission. */
    public boolean changed;

    public ModelWindowAccumulator() {}

    public static ModelWindowAccumulator of(Prediction p, long windowStart, long windowEnd) {
        ModelWindowAccumulator a = new ModelWindowAccumulator();
        a.model = p.model;
        a.modelVersion = p.modelVersion;
        a.task = p.isClassification() ? ModelMetrics.CLASSIFICATION : ModelMetrics.REGRESSION;
        a.windowStart = windowStart;
        a.windowEnd = windowEnd;
        return a;
    }

    /** Counts one emission of the prediction join: a prediction (no actual yet) or its labeled second emission. */
    public void add(LabeledPrediction lp) {
        Prediction p = lp.prediction;
        Actual a = lp.actual;
        changed = revision >= 0;
        if (a == null) {
            predictions++;
            if (p.isClassification()) {
                indexOf(p.predictedClass);
                if (Double.isFinite(p.score)) {
                    scored++;
                    scoreSum += p.score;
                }
            }
            return;
        }
        labeled++;
        if (p.isClassification()) {
            indexOf(p.predictedClass);
            int actual = indexOf(a.actualClass);
            // Looked up again: adding the actual's class may have moved the predicted one.
            confusion[actual * classes.length + indexOf(p.predictedClass)]++;
        } else {
            double e = p.value - a.actualValue;
            sumAbsError += Math.abs(e);
            sumSquaredError += e * e;
            sumError += e;
            if (a.actualValue != 0) {
                sumAbsPercentError += Math.abs(e) / Math.abs(a.actualValue);
                percentCount++;
            }
        }
    }

    /** The class's index, adding it (and a row and column of the confusion matrix) when new. */
    private int indexOf(String c) {
        int i = Arrays.binarySearch(classes, c);
        if (i >= 0) {
            return i;
        }
        int at = -i - 1;
        int n = classes.length;
        String[] grown = new String[n + 1];
        System.arraycopy(classes, 0, grown, 0, at);
        grown[at] = c;
        System.arraycopy(classes, at, grown, at + 1, n - at);
        long[] matrix = new long[(n + 1) * (n + 1)];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                matrix[(r < at ? r : r + 1) * (n + 1) + (k < at ? k : k + 1)] = confusion[r * n + k];
            }
        }
        classes = grown;
        confusion = matrix;
        return at;
    }

    /** The window's metrics as of now, as {@code revision}. */
    public ModelMetrics toMetrics(int revision) {
        ModelMetrics m = new ModelMetrics();
        m.model = model;
        m.modelVersion = modelVersion;
        m.task = task;
        m.windowStart = windowStart;
        m.windowEnd = windowEnd;
        m.revision = revision;
        m.predictions = predictions;
        m.labeled = labeled;
        m.labelCoverage = predictions == 0 ? Double.NaN : (double) labeled / predictions;
        if (ModelMetrics.CLASSIFICATION.equals(task)) {
            classification(m);
        } else if (labeled > 0) {
            m.mae = sumAbsError / labeled;
            m.rmse = Math.sqrt(sumSquaredError / labeled);
            m.bias = sumError / labeled;
            m.mape = percentCount == 0 ? Double.NaN : 100 * sumAbsPercentError / percentCount;
        }
        return m;
    }

    private void classification(ModelMetrics m) {
        int n = classes.length;
        m.classes = classes.clone();
        m.confusion = confusion.clone();
        m.precision = new double[n];
        m.recall = new double[n];
        m.f1 = new double[n];
        long total = 0;
        long correct = 0;
        for (int c = 0; c < n; c++) {
            long hits = confusion[c * n + c];
            long predictedAs = 0;
            long actuallyIs = 0;
            for (int k = 0; k < n; k++) {
                predictedAs += confusion[k * n + c];
                actuallyIs += confusion[c * n + k];
            }
            total += actuallyIs;
            correct += hits;
            double p = predictedAs == 0 ? Double.NaN : (double) hits / predictedAs;
            double r = actuallyIs == 0 ? Double.NaN : (double) hits / actuallyIs;
            m.precision[c] = p;
            m.recall[c] = r;
            m.f1[c] = p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        m.accuracy = total == 0 ? Double.NaN : (double) correct / total;
        m.estimatedAccuracy = scored == 0 ? Double.NaN : scoreSum / scored;
    }
}
