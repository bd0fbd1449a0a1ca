package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.drift.DriftMetric;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Violation;
import java.util.List;

/**
 * One output of the {@code features} job, typed by its records: the key under which {@link FeaturesJobSinks} holds the
 * hook that writes it. A fixed set of constants (an enum cannot carry the record type).
 */
public final class JobOutput<T> {

    /** Each wafer's feature rows as they fire, revisions included: the online store. */
    public static final JobOutput<WaferFeatures> ONLINE = new JobOutput<>("online");
    /** Each window's final feature row: the offline store. */
    public static final JobOutput<WaferFeatures> OFFLINE = new JobOutput<>("offline");
    /** Every record that passed parsing, as received. */
    public static final JobOutput<DeviceTest> RAW_ARCHIVE = new JobOutput<>("raw archive");
    /** Parse-time, duplicate and too-late violations: the quarantine and the violation topic. */
    public static final JobOutput<Violation> VIOLATIONS = new JobOutput<>("violations");
    /** Wafer-level quality events (rates, IQR outliers, distribution shifts). */
    public static final JobOutput<QualityEvent> QUALITY_EVENTS = new JobOutput<>("quality events");
    /** Every drift metric (Parquet, and the latest per feature in Redis). */
    public static final JobOutput<DriftMetric> DRIFT_METRICS = new JobOutput<>("drift metrics");
    /** Drift metrics with a moderate or drift verdict: the alerting stage's input. */
    public static final JobOutput<DriftMetric> DRIFT_EVENTS = new JobOutput<>("drift events");
    /** Alert notifications (firing, escalated, resolved). */
    public static final JobOutput<Alert> ALERTS = new JobOutput<>("alerts");

    static final List<JobOutput<?>> ALL =
            List.of(ONLINE, OFFLINE, RAW_ARCHIVE, VIOLATIONS, QUALITY_EVENTS, DRIFT_METRICS, DRIFT_EVENTS, ALERTS);

    private final String name;

    private JobOutput(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
