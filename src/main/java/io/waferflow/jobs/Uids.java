package io.waferflow.jobs;

/**
 * Operator uids of every job, in one place: the streaming job, the backfill and the State Processor API tools must
 * agree on them, and a savepoint restores only into operators with the same uid. Never change one without a state
 * migration.
 */
public final class Uids {

    public static final String SOURCE = "device-tests-source";
    public static final String RESTORED_WATERMARK = "restored-watermark";
    public static final String ROUTE = "route-device-tests";
    public static final String DROP_DUPLICATES = "drop-duplicate-device-tests";
    /** Stateless: the wafer's tests in batches for the window operator (added after release 0.1.0). */
    public static final String WINDOW_BATCHES = "wafer-window-batches";

    public static final String WAFER_WINDOW = "wafer-window-aggregates";
    public static final String WAFER_FINALIZER = "wafer-feature-finalizer";
    public static final String TOO_LATE = "too-late-to-quarantine";
    public static final String REDIS_FIELDS = "online-redis-fields";
    /** The feature rows' Redis writer (release 0.1.0 had a stateless sink, "online-redis-sink", in its place). */
    public static final String REDIS_WRITER = "online-redis-writer";

    public static final String OFFLINE_SINK = "offline-parquet-sink";

    // The training-set batch job (no savepoints, but every operator still carries a uid).
    public static final String TRAINING_LABELS = "training-set-labels";
    public static final String TRAINING_FEATURES = "training-set-features-";
    public static final String POINT_IN_TIME_JOIN = "training-set-point-in-time-join";
    public static final String TRAINING_SINK = "training-set-parquet-sink";
    public static final String RAW_RECORDS = "raw-archive-records";
    public static final String RAW_SINK = "raw-archive-sink";
    public static final String QUARANTINE_SINK = "quarantine-parquet-sink";
    public static final String VIOLATION_TOPIC_SINK = "violation-topic-sink";
    public static final String WAFER_QUALITY = "wafer-quality-rules";
    public static final String QUALITY_EVENT_SINK = "quality-event-parquet-sink";
    public static final String DRIFT_DETECTOR = "drift-detector";
    // Drift groups (drift.group_by), only in a job that groups.
    public static final String DRIFT_OVERALL_INPUTS = "drift-overall-inputs";
    public static final String DRIFT_GROUP_INPUTS = "drift-group-inputs";
    public static final String DRIFT_GROUP_CAP = "drift-group-cap";
    public static final String DRIFT_GROUP_DETECTOR = "drift-group-detector";
    public static final String DRIFT_SINK = "drift-metric-parquet-sink";
    public static final String DRIFT_REDIS_FIELDS = "drift-redis-fields";
    public static final String DRIFT_REDIS_WRITER = "drift-redis-writer";
    public static final String STORE_OUTAGE_ALERTS = "store-outage-alerts";
    public static final String DRIFT_EVENTS = "drift-events";
    public static final String QUALITY_SIGNALS = "quality-alert-signals";
    public static final String DRIFT_SIGNALS = "drift-alert-signals";
    public static final String ALERT_POLICY = "alert-policy";
    public static final String ALERT_TOPIC_SINK = "alert-topic-sink";
    public static final String ALERT_WEBHOOK_FILTER = "alert-webhook-filter";
    public static final String ALERT_WEBHOOK_SINK = "alert-webhook-sink";
    public static final String ALERT_LOG_SINK = "alert-log-sink";

    // The monitor job's model drift (ModelDrift).
    public static final String MONITOR_DRIFT_UNLABELED = "monitor-drift-unlabeled";
    public static final String MONITOR_DRIFT_WINDOWS = "monitor-drift-windows";
    public static final String MONITOR_DRIFT_CONCEPT = "monitor-drift-concept";
    public static final String MONITOR_DRIFT_INPUTS = "monitor-drift-inputs";
    // The monitor job's model judgement (ModelJudgement): degradation, concept drift, root cause, policy, retrain.
    public static final String MONITOR_ALERTS_DEGRADATION = "monitor-alerts-degradation";
    public static final String MONITOR_ALERTS_CONCEPT_DRIFT = "monitor-alerts-concept-drift-signals";
    public static final String MONITOR_ALERTS_INPUT_DRIFT = "monitor-alerts-input-drift-filter";
    public static final String MONITOR_ALERTS_ROOT_CAUSE = "monitor-alerts-root-cause";
    public static final String MONITOR_ALERTS_POLICY = "monitor-alerts-policy";
    public static final String MONITOR_ALERTS_RETRAIN = "monitor-alerts-retrain-trigger";

    /** Stateless filters of a backfill that hands over to a bootstrapped job ({@code FeaturesJobSinks#finalBy}). */
    public static final String FINAL_BY_ROWS = "backfill-final-by-rows";

    public static final String FINAL_BY_QUALITY_EVENTS = "backfill-final-by-quality-events";
    public static final String FINAL_BY_DRIFT = "backfill-final-by-drift";

    // The monitor job (model monitoring, docs/monitoring.md).
    public static final String MONITOR_PREDICTIONS_SOURCE = "monitor-predictions-source";
    public static final String MONITOR_ACTUALS_SOURCE = "monitor-actuals-source";
    public static final String MONITOR_ROUTE_PREDICTIONS = "monitor-route-predictions";
    public static final String MONITOR_ROUTE_ACTUALS = "monitor-route-actuals";
    public static final String MONITOR_JOIN = "monitor-prediction-join";
    public static final String MONITOR_WINDOW_METRICS = "monitor-window-metrics";
    public static final String MONITOR_METRICS_SINK = "monitor-metrics-parquet-sink";
    public static final String MONITOR_NEWEST_WINDOW = "monitor-newest-window";
    public static final String MONITOR_REDIS_FIELDS = "monitor-metrics-redis-fields";
    public static final String MONITOR_REDIS_WRITER = "monitor-metrics-redis-writer";
    public static final String MONITOR_QUARANTINE_SINK = "monitor-quarantine-parquet-sink";
    public static final String MONITOR_VIOLATION_TOPIC_SINK = "monitor-violation-topic-sink";
    public static final String MONITOR_MODEL_DRIFT_SINK = "monitor-model-drift-parquet-sink";
    public static final String MONITOR_RETRAIN_TOPIC_SINK = "monitor-retrain-topic-sink";

    private Uids() {}
}
