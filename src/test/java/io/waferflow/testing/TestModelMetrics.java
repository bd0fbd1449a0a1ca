package io.waferflow.testing;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.ModelMetrics;

/** Window metrics and model drift metrics as the monitor job's stages emit them, for tests of what consumes them. */
public final class TestModelMetrics {

    private TestModelMetrics() {}

    /** A classifier's window: {@code correct} of {@code labeled} right, of {@code predictions}. */
    public static ModelMetrics classification(
            String model,
            String version,
            long windowStart,
            long windowMs,
            int revision,
            long predictions,
            long labeled,
            long correct) {
        ModelMetrics m = new ModelMetrics();
        m.model = model;
        m.modelVersion = version;
        m.task = ModelMetrics.CLASSIFICATION;
        m.windowStart = windowStart;
        m.windowEnd = windowStart + windowMs;
        m.revision = revision;
        m.predictions = predictions;
        m.labeled = labeled;
        m.labelCoverage = labeled / (double) predictions;
        m.accuracy = labeled == 0 ? Double.NaN : correct / (double) labeled;
        return m;
    }

    /** The drift metric of {@code <modelKey>:<input>} in one window: its verdict, PSI and the mean's move. */
    public static DriftMetric drift(
            String modelKey,
            String input,
            long windowStart,
            long windowMs,
            DriftVerdict verdict,
            double psi,
            double baselineMean,
            double currentMean) {
        DriftMetric m = new DriftMetric();
        m.feature = modelKey + ":" + input;
        m.windowStart = windowStart;
        m.windowEnd = windowStart + windowMs;
        m.verdict = verdict;
        m.psi = psi;
        m.baselineMean = baselineMean;
        m.currentMean = currentMean;
        return m;
    }
}
