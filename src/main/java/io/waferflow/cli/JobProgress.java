package io.waferflow.cli;

import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.Severity;
import java.util.EnumMap;
import java.util.Map;

/** A snapshot of the job's counters (its accumulators), for progress lines and summaries of local runs. */
public final class JobProgress {

    public final long recordsIn;
    public final long valid;
    public final long quarantined;
    public final long windowed;
    public final long tooLate;
    public final long duplicates;
    public final long lateUpdates;
    public final long onlineRows;
    public final long offlineRows;
    public final long violations;
    public final long driftMetrics;
    public final long qualityEvents;
    public final long alertsFired;
    public final long alertsResolved;
    public final long alertsEscalated;
    public final Map<Severity, Long> violationsBySeverity = new EnumMap<>(Severity.class);

    public JobProgress(Map<String, Object> accumulators) {
        recordsIn = get(accumulators, PipelineCounter.RECORDS_IN);
        valid = get(accumulators, PipelineCounter.RECORDS_VALID);
        quarantined = get(accumulators, PipelineCounter.RECORDS_QUARANTINED);
        windowed = get(accumulators, PipelineCounter.RECORDS_WINDOWED);
        tooLate = get(accumulators, PipelineCounter.RECORDS_TOO_LATE);
        duplicates = get(accumulators, PipelineCounter.RECORDS_DUPLICATE);
        lateUpdates = get(accumulators, PipelineCounter.LATE_WINDOW_UPDATES);
        onlineRows = get(accumulators, PipelineCounter.ONLINE_ROWS);
        offlineRows = get(accumulators, PipelineCounter.OFFLINE_ROWS);
        long all = 0;
        for (Severity s : Severity.values()) {
            long n = get(accumulators, PipelineCounter.violationsOfSeverity(s.name()));
            violationsBySeverity.put(s, n);
            all += n;
        }
        violations = all;
        driftMetrics = get(accumulators, PipelineCounter.DRIFT_METRICS);
        qualityEvents = get(accumulators, PipelineCounter.QUALITY_EVENTS);
        alertsFired = get(accumulators, PipelineCounter.ALERTS_FIRED);
        alertsResolved = get(accumulators, PipelineCounter.ALERTS_RESOLVED);
        alertsEscalated = get(accumulators, PipelineCounter.ALERTS_ESCALATED);
    }

    /** Records added to at least one window: those handed to the window operator that were not too late. */
    public long aggregated() {
        return windowed - tooLate;
    }

    @Override
    public String toString() {
        return String.format(
                "in %d, valid %d, windowed %d, too late %d, duplicates %d, quarantined %d",
                recordsIn, valid, windowed, tooLate, duplicates, quarantined);
    }

    private static long get(Map<String, Object> accumulators, String name) {
        Object v = accumulators.get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0L;
    }
}
