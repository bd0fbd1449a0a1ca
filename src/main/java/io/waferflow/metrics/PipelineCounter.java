package io.waferflow.metrics;

import java.io.Serializable;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * A count the pipeline reports twice: as a Flink metric (web UI, Prometheus; group {@code waferflow}) and as an
 * accumulator of the same name, which a local run reads through {@code JobClient#getAccumulators()} to print progress
 * and which tests read from the {@code JobExecutionResult} to check that no record went missing. Its running total is
 * checkpointed by the operator's {@link PipelineCounters}, so both continue from the restored value after a failover.
 */
public final class PipelineCounter implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String GROUP = "waferflow";

    public static final String RECORDS_IN = "records_in";
    public static final String RECORDS_VALID = "records_valid";
    public static final String RECORDS_QUARANTINED = "records_quarantined";
    /** Valid, not duplicate records handed to the window operator: aggregated, or too late. */
    public static final String RECORDS_WINDOWED = "records_windowed";

    public static final String RECORDS_TOO_LATE = "records_too_late";
    public static final String RECORDS_DUPLICATE = "records_duplicate";
    public static final String LATE_WINDOW_UPDATES = "late_window_updates";
    public static final String ONLINE_ROWS = "online_rows";
    public static final String ONLINE_STALE_SKIPPED = "online_stale_skipped";
    public static final String OFFLINE_ROWS = "offline_rows";
    public static final String WAFERS_EXPIRED = "wafers_expired";
    /**
     * Rows emitted again, as their next revision, because a firing of another window brought a test before their end
     * next to one of their dies and their neighbour yield changed.
     */
    public static final String NEIGHBOUR_RECOMPUTED_ROWS = "neighbour_recomputed_rows";

    public static final String DRIFT_METRICS = "drift_metrics";
    /** Wafer-window quality events (range violations, rejects, quarantine rate, distribution shift, IQR outliers). */
    public static final String QUALITY_EVENTS = "quality_events";

    public static final String ALERTS_FIRED = "alerts_fired";
    public static final String ALERTS_RESOLVED = "alerts_resolved";
    public static final String ALERTS_ESCALATED = "alerts_escalated";
    /** Conditions that met the firing rule within a cooldown after their last resolution. */
    public static final String ALERTS_SUPPRESSED = "alerts_suppressed";
    /** Wafer-window distributions that reached the drift detector after their drift window was judged. */
    public static final String DRIFT_LATE_INPUTS = "drift_late_inputs";
    /** Wafer-window distributions of a drift group judged as its field's {@code (other)} group (beyond the cap). */
    public static final String DRIFT_GROUP_WINDOWS_OTHER = "drift_group_windows_other";

    /** Model monitoring: predictions joined with their actual. */
    public static final String PREDICTIONS_LABELED = "predictions_labeled";
    /** Predictions whose actual did not come within {@code monitor.label_max_delay}. */
    public static final String PREDICTIONS_UNLABELED = "predictions_unlabeled";
    /** Actuals whose prediction did not come within {@code monitor.label_max_delay} (quarantined as orphans). */
    public static final String ACTUALS_ORPHANED = "actuals_orphaned";
    /** Model metrics emitted: each window's first emission and each revision. */
    public static final String MODEL_METRICS = "model_metrics";
    /**
     * Predictions or actuals that reached the window metrics after their window was dropped (older than
     * {@code monitor.label_max_delay}).
     */
    public static final String MODEL_METRICS_TOO_OLD = "model_metrics_too_old";

    /** Violations of one rule, e.g. {@code violation_rule_range}. */
    public static String violationsOfRule(String rule) {
        return "violation_rule_" + rule;
    }

    /** Violations of one severity (a {@code Severity} name), e.g. {@code violations_critical}. */
    public static String violationsOfSeverity(String severity) {
        return "violations_" + severity.toLowerCase();
    }

    private final String name;
    private transient long total;
    private transient Counter metric;
    private transient LongCounter accumulator;

    PipelineCounter(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    long total() {
        return total;
    }

    void reset() {
        total = 0;
    }

    void addRestored(long value) {
        total += value;
    }

    void register(RuntimeContext context) {
        metric = context.getMetricGroup().addGroup(GROUP).counter(name);
        metric.inc(total);
        // Returns the task's existing accumulator of that name, so operators chained in one task share it.
        accumulator = context.getLongCounter(name);
        accumulator.add(total);
    }

    public void inc() {
        total++;
        metric.inc();
        accumulator.add(1L);
    }

    public void inc(long n) {
        total += n;
        metric.inc(n);
        accumulator.add(n);
    }
}
