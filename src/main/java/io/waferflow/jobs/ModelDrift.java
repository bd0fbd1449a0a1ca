package io.waferflow.jobs;

import io.waferflow.config.DriftConfig;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.MonitorConfig;
import io.waferflow.drift.DriftDetector;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.WaferDistributionRules;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.WaferParameterWindow;
import io.waferflow.monitor.PredictionWindowAggregator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The monitor job's drift of each model version, per tumbling monitor window (by prediction time):
 *
 * <pre>
 * labeled predictions ─ first emission only ─ keyBy model key ─ window distributions ─┐
 *   ├─ &lt;model key&gt;:prediction ─ keyBy feature ─ drift detector (concept drift) ─┬─ drift metrics
 *   └─ &lt;model key&gt;:&lt;input&gt; ─ keyBy feature ─ drift detector (input drift) ──┘
 * </pre>
 *
 * Both are the existing {@link DriftDetector} (PSI and KS against a reference, with the {@code drift} section's sketch
 * size, alpha and PSI bands) with the monitor's window and sample sizes. Each feature's reference is its first windows
 * until they hold {@code monitor.prediction_drift.min_reference} values, then fixed; with
 * {@code monitor.prediction_drift.rolling_windows} N &gt; 0 the concept-drift reference is instead the N windows before
 * the current one. docs/model-drift.md says why fixed is the default. The detectors' inputs are final when emitted (at
 * their window's end), so they wait for no lateness; they come from no wafer, so the wafer rules are off.
 */
public final class ModelDrift {

    private ModelDrift() {}

    /** Drift metrics of {@code <model key>:prediction} and {@code <model key>:<input>} per monitor window. */
    public static DataStream<DriftMetric> build(FeaturesJobConfig config, DataStream<LabeledPrediction> predictions) {
        SingleOutputStreamOperator<WaferParameterWindow> windows = predictions
                .filter(lp -> lp.actual == null)
                .uid(Uids.MONITOR_DRIFT_UNLABELED)
                .name("Predictions at prediction time")
                .keyBy(lp -> lp.prediction.modelKey())
                .process(windows(config))
                .uid(Uids.MONITOR_DRIFT_WINDOWS)
                .name("Model prediction and input distributions per window");
        DataStream<DriftMetric> concept = windows.getSideOutput(PredictionWindowAggregator.PREDICTIONS)
                .keyBy(w -> w.feature)
                .process(conceptDetector(config))
                .uid(Uids.MONITOR_DRIFT_CONCEPT)
                .name("Concept drift per model version (PSI, KS)");
        DataStream<DriftMetric> inputs = windows.keyBy(w -> w.feature)
                .process(inputDetector(config))
                .uid(Uids.MONITOR_DRIFT_INPUTS)
                .name("Input drift per model version and input (PSI, KS)");
        return concept.union(inputs);
    }

    public static PredictionWindowAggregator windows(FeaturesJobConfig config) {
        return new PredictionWindowAggregator(
                config.monitor().window().toMillis(), config.drift().sketchK());
    }

    /** Concept drift: a fixed reference, or a rolling one of {@code monitor.prediction_drift.rolling_windows}. */
    public static DriftDetector conceptDetector(FeaturesJobConfig config) {
        int rolling = config.monitor().predictionDrift().rollingWindows();
        return rolling == 0
                ? inputDetector(config)
                : DriftDetector.withRollingReference(driftConfig(config), 0, WaferDistributionRules.none(), rolling);
    }

    /** Input drift: always against the first windows, the model's inputs as they were when it was deployed. */
    public static DriftDetector inputDetector(FeaturesJobConfig config) {
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
                new DriftConfig.Baseline(DriftConfig.BaselineFrom.STREAM_RECORDS, reference, m.window(), ""),
                java.util.List.of(),
                d.maxGroups());
    }
}
