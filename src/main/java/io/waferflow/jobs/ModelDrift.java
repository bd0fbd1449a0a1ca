package io.waferflow.jobs;

import io.waferflow.config.DriftConfig;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.MonitorConfig;
import io.waferflow.drift.DriftDetector;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.WaferDistributionRules;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.monitor.PredictionWindowAggregator;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The monitor job's drift of each model version, per tumbling monitor window (by prediction time):
 *
 * <pre>
 * labeled predictions ─ first emission only ─ keyBy model key ─ window distributions ─┬─ &lt;model key&gt;:prediction
 *                                                                                      └─ &lt;model key&gt;:&lt;input&gt;
 *   ─ keyBy feature ─ drift detector (PSI, KS against the feature's reference) ─ drift metrics
 * </pre>
 *
 * Concept drift (the predictions: scores, or regression values) and input drift (each input feature) are the same test
 * on different columns, so one {@link DriftDetector} judges both, with the {@code drift} section's sketch size, alpha
 * and PSI bands, the monitor's window, and a reference of each feature's first windows until it holds
 * {@code monitor.prediction_drift.min_reference} values (fixed once complete; docs/model-drift.md says why).
 */
public final class ModelDrift {

    private ModelDrift() {}

    /** Drift metrics of {@code <model key>:prediction} and {@code <model key>:<input>} per monitor window. */
    public static DataStream<DriftMetric> build(FeaturesJobConfig config, DataStream<LabeledPrediction> predictions) {
        return predictions
                .filter(lp -> lp.actual == null)
                .uid(Uids.MONITOR_DRIFT_UNLABELED)
                .name("Predictions at prediction time")
                .keyBy(lp -> lp.prediction.modelKey())
                .process(windows(config))
                .uid(Uids.MONITOR_DRIFT_WINDOWS)
                .name("Model prediction and input distributions per window")
                .keyBy(w -> w.feature)
                .process(detector(config))
                .uid(Uids.MONITOR_DRIFT_DETECTOR)
                .name("Model drift per prediction and input (PSI, KS)");
    }

    public static PredictionWindowAggregator windows(FeaturesJobConfig config) {
        return new PredictionWindowAggregator(
                config.monitor().window().toMillis(), config.drift().sketchK());
    }

    /**
     * The drift detector of model features. Its inputs are final when emitted (at their window's end), so it waits for
     * no lateness; it has no wafers, so no wafer rules; its references come from the stream.
     */
    public static DriftDetector detector(FeaturesJobConfig config) {
        return new DriftDetector(driftConfig(config), 0, WaferDistributionRules.none(), null, null);
    }

    /**
     * The {@code drift} section's sketch size, alpha and PSI bands, with the monitor's window, reference size and
     * sample minimums. Both minimums follow {@code monitor.prediction_drift}: every input has one value per prediction,
     * so the same counts make sense for the predictions and the inputs, and a reference complete at
     * {@code min_reference} values must be enough to judge against ({@code drift.min_baseline} could exceed it).
     */
    public static DriftConfig driftConfig(FeaturesJobConfig config) {
        DriftConfig d = config.drift();
        MonitorConfig m = config.monitor();
        int reference = m.predictionDrift().minReference();
        return new DriftConfig(
                true,
                m.window(),
                d.sketchK(),
                d.alpha(),
                d.psiModerate(),
                d.psiDrift(),
                reference,
                m.predictionDrift().minCurrent(),
                new DriftConfig.Baseline(DriftConfig.BaselineFrom.STREAM_RECORDS, reference, m.window(), ""));
    }
}
