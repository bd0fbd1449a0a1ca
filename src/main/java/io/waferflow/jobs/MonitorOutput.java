package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.drift.DriftMetric;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.RetrainEvent;
import io.waferflow.model.Violation;
import java.util.List;

/**
 * One output of the {@code monitor} job, typed by its records: the key under which {@link MonitorJobSinks} holds the
 * hook that writes it (as {@link JobOutput} for the features job).
 */
public final class MonitorOutput<T> {

    /** Every emission of every window's metrics (revision 0, then updates): Parquet, Redis (the latest). */
    public static final MonitorOutput<ModelMetrics> METRICS = new MonitorOutput<>("model metrics");
    /** The prediction join's emissions (a prediction, later labeled): no production sink, for tests and the lead. */
    public static final MonitorOutput<LabeledPrediction> LABELED = new MonitorOutput<>("labeled predictions");
    /** Bad input, duplicates, orphans: the quarantine and the violation topic. */
    public static final MonitorOutput<Violation> VIOLATIONS = new MonitorOutput<>("monitor violations");
    /** Model alerts (degradation, concept drift): the features job's alert sinks. */
    public static final MonitorOutput<Alert> ALERTS = new MonitorOutput<>("model alerts");
    /** Concept drift and input drift per model version: Parquet {@code _model_drift}. */
    public static final MonitorOutput<DriftMetric> MODEL_DRIFT = new MonitorOutput<>("model drift");
    /** Retrain requests: the retrain topic. */
    public static final MonitorOutput<RetrainEvent> RETRAIN = new MonitorOutput<>("retrain requests");

    static final List<MonitorOutput<?>> ALL = List.of(METRICS, LABELED, VIOLATIONS, ALERTS, MODEL_DRIFT, RETRAIN);

    private final String name;

    private MonitorOutput(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
