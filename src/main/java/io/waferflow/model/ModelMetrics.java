package io.waferflow.model;

/**
 * One model version's quality in one event-time window (by the predictions' time), SPEC 3 {@code monitor}: emitted when
 * the watermark passes the window's end, and again (the next {@link #revision}) whenever late actuals change it, until
 * the window is older than {@code monitor.label_max_delay}. Classification fills accuracy, the per-class precision,
 * recall and F1 and the confusion matrix; regression MAE, RMSE, MAPE and bias; the other family is NaN / empty. A Flink
 * POJO: the Parquet {@code _model_metrics} table's row and Redis's latest per model version.
 */
public class ModelMetrics {

    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";

    public String model;
    public String modelVersion;
    /** {@link #CLASSIFICATION} or {@link #REGRESSION}. */
    public String task;

    public long windowStart;
    public long windowEnd;
    /** 0 for the first emission of the window, then 1, 2, ... for each update by late actuals. */
    public int revision;

    /** Predictions made in the window, and how many of them have their actual by now. */
    public long predictions;

    public long labeled;
    /** labeled / predictions. */
    public double labelCoverage = Double.NaN;

    // Classification (NaN / empty for a regression).
    public double accuracy = Double.NaN;
    /**
     * Accuracy estimated without labels, from the moment the predictions are made: the mean score (probability of the
     * predicted class) over the window's scored predictions, the expected accuracy of a calibrated classifier (the
     * confidence-based estimate NannyML calls CBPE, for the accuracy metric). NaN without scores.
     */
    public double estimatedAccuracy = Double.NaN;
    /** The classes seen in the window (predicted or actual), sorted; indexes the arrays below. */
    public String[] classes = new String[0];

    public double[] precision = new double[0];
    public double[] recall = new double[0];
    public double[] f1 = new double[0];
    /** Row-major: {@code confusion[actual * classes.length + predicted]}, labeled predictions only. */
    public long[] confusion = new long[0];

    // Regression (NaN for a classification).
    public double mae = Double.NaN;
    public double rmse = Double.NaN;
    /** Mean absolute percentage error over the labeled predictions whose actual is not 0, in percent. */
    public double mape = Double.NaN;
    /** Mean of (prediction − actual). */
    public double bias = Double.NaN;

    public ModelMetrics() {}

    public String modelKey() {
        return Prediction.modelKey(model, modelVersion);
    }

    @Override
    public String toString() {
        return modelKey() + "@" + windowEnd + " r" + revision + " n=" + predictions + " labeled=" + labeled
                + (CLASSIFICATION.equals(task) ? " accuracy=" + accuracy : " mae=" + mae);
    }
}
