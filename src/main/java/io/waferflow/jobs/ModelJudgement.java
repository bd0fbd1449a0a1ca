package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertPolicy;
import io.waferflow.alerts.AlertSignal;
import io.waferflow.alerts.ConceptDriftSignals;
import io.waferflow.alerts.ModelDegradation;
import io.waferflow.alerts.ModelFindings;
import io.waferflow.alerts.RootCause;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.MonitorConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.RetrainEvent;
import io.waferflow.monitor.RetrainTrigger;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The monitor job's judgement of its models (issue 15): window metrics → degradation observations, the predictions'
 * drift → concept-drift observations, both named with the input features that drifted in the same window (root cause),
 * judged by the {@code model} alert policy; a retrain request when an alert lasts {@code retrain_after}.
 *
 * <p>Event time throughout. Two allowances: the root-cause join waits {@code monitor.out_of_orderness} past a window's
 * end (see {@link RootCause}), and the policy's grace, the time a window's observation may still come, is
 * {@link #LABEL_GRACE_WINDOWS} windows: observations of model windows come when their actuals do, after the window. The
 * same allowance settles a measured baseline.
 */
public final class ModelJudgement {

    /**
     * How many monitor windows after a window's end its actuals are expected (1 h at the 15-min default). A clear
     * window is normally observed (it has labels) and resolves an alert by itself; this only bounds resolution by
     * absence, the escalation time and when a measured baseline settles.
     */
    public static final int LABEL_GRACE_WINDOWS = 4;

    /** The alert notifications of model findings, and the retrain requests. */
    public record Outputs(DataStream<Alert> alerts, DataStream<RetrainEvent> retrain) {}

    private ModelJudgement() {}

    public static Outputs build(
            FeaturesJobConfig config, DataStream<ModelMetrics> metrics, DataStream<DriftMetric> modelDrift) {
        MonitorConfig m = config.monitor();
        long graceMs = labelGraceMs(m);
        DataStream<AlertSignal> degradation = metrics.keyBy(ModelMetrics::modelKey)
                .process(new ModelDegradation(
                        m.baseline().accuracy(),
                        m.baseline().reference().toMillis(),
                        graceMs,
                        m.minLabels(),
                        m.degradation().p2Drop(),
                        m.degradation().p1Drop()))
                .uid(Uids.MONITOR_ALERTS_DEGRADATION)
                .name("Model degradation (accuracy or MAE against the baseline)");
        DataStream<AlertSignal> conceptDrift = modelDrift
                .flatMap(new ConceptDriftSignals())
                .uid(Uids.MONITOR_ALERTS_CONCEPT_DRIFT)
                .name("Concept drift observations");
        DataStream<DriftMetric> inputDrift = modelDrift
                .filter(d -> !ModelFindings.isConceptDrift(d.feature))
                .uid(Uids.MONITOR_ALERTS_INPUT_DRIFT)
                .name("Input drift of the models");
        DataStream<AlertSignal> explained = degradation
                .union(conceptDrift)
                .connect(inputDrift)
                .keyBy(s -> s.context.subject, d -> ModelFindings.modelKeyOf(d.feature))
                .process(new RootCause(
                        m.outOfOrderness().toMillis(), m.labelMaxDelay().toMillis()))
                .uid(Uids.MONITOR_ALERTS_ROOT_CAUSE)
                .name("Root cause (input features drifting in the same window)");
        DataStream<Alert> alerts = explained
                .keyBy(s -> s.key)
                .process(new AlertPolicy(Map.of(ModelFindings.POLICY, m.modelPolicy(graceMs))))
                .uid(Uids.MONITOR_ALERTS_POLICY)
                .name("Model alert policy (sustain, dedup, resolve, escalate)");
        DataStream<RetrainEvent> retrain = alerts.keyBy(a -> a.key)
                .process(new RetrainTrigger(m.retrainAfter().toMillis()))
                .uid(Uids.MONITOR_ALERTS_RETRAIN)
                .name("Retrain trigger (model alert firing for retrain_after)");
        return new Outputs(alerts, retrain);
    }

    /** {@link #LABEL_GRACE_WINDOWS} monitor windows. */
    public static long labelGraceMs(MonitorConfig m) {
        return LABEL_GRACE_WINDOWS * m.window().toMillis();
    }
}
