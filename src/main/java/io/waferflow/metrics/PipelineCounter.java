package io.waferflow.metrics;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

import java.io.Serializable;

/**
 * A count the pipeline reports twice: as a Flink metric (web UI, Prometheus; group {@code waferflow}) and as an
 * accumulator of the same name, which a local run reads through {@code JobClient#getAccumulators()} to print
 * progress and which tests read from the {@code JobExecutionResult} to check that no record went missing.
 */
public final class PipelineCounter implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String GROUP = "waferflow";

    public static final String RECORDS_IN = "records_in";
    public static final String RECORDS_VALID = "records_valid";
    public static final String RECORDS_QUARANTINED = "records_quarantined";
    public static final String RECORDS_TOO_LATE = "records_too_late";
    public static final String RECORDS_DUPLICATE = "records_duplicate";
    public static final String WINDOWS_FIRED = "windows_fired";
    public static final String LATE_WINDOW_UPDATES = "late_window_updates";
    public static final String ONLINE_ROWS = "online_rows";
    public static final String ONLINE_STALE_SKIPPED = "online_stale_skipped";
    public static final String OFFLINE_ROWS = "offline_rows";
    public static final String WAFERS_EXPIRED = "wafers_expired";

    /** Violations of one severity, e.g. {@code violations_critical}. */
    public static String violations(io.waferflow.quality.Severity severity) {
        return "violations_" + severity.name().toLowerCase();
    }

    private transient Counter metric;
    private transient LongCounter accumulator;

    private PipelineCounter() {}

    /** Registers the counter in an operator's {@code open()}. */
    public static PipelineCounter register(RuntimeContext context, String name) {
        PipelineCounter c = new PipelineCounter();
        c.metric = context.getMetricGroup().addGroup(GROUP).counter(name);
        // Returns the task's existing accumulator of that name, so operators chained in one task share it.
        c.accumulator = context.getLongCounter(name);
        return c;
    }

    public void inc() {
        metric.inc();
        accumulator.add(1L);
    }

    public void inc(long n) {
        metric.inc(n);
        accumulator.add(n);
    }
}
