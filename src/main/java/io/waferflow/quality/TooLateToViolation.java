package io.waferflow.quality;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.List;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A valid record that arrived after its window was final (window end + allowed lateness) cannot change the offline
 * store any more; it is quarantined as a {@code too_late} violation, with the record's values as payload so it can be
 * replayed into the input topic, and counted (the counts are its only state).
 */
public class TooLateToViolation extends RichFlatMapFunction<DeviceTestBatch, Violation> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMs;
    private final List<String> parameterNames;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter tooLate = counters.add(PipelineCounter.RECORDS_TOO_LATE);
    private final PipelineCounter quarantined = counters.add(PipelineCounter.RECORDS_QUARANTINED);
    private final PipelineCounter highViolations =
            counters.add(PipelineCounter.violationsOfSeverity(Severity.HIGH.name()));
    private final PipelineCounter tooLateViolations =
            counters.add(PipelineCounter.violationsOfRule(Violation.RULE_TOO_LATE));

    public TooLateToViolation(long allowedLatenessMs, List<String> parameterNames) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.parameterNames = List.copyOf(parameterNames);
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void flatMap(DeviceTestBatch batch, Collector<Violation> out) {
        for (DeviceTest d : batch.tests) {
            if (!d.quarantined) { // a quarantine marker's record is quarantined and counted already
                quarantine(d, out);
            }
        }
    }

    private void quarantine(DeviceTest d, Collector<Violation> out) {
        tooLate.inc();
        quarantined.inc();
        highViolations.inc();
        tooLateViolations.inc();
        out.collect(Quarantine.of(
                Violation.RULE_TOO_LATE,
                "event_time",
                Long.toString(d.eventTime),
                "within the window's allowed lateness of " + allowedLatenessMs + " ms",
                Severity.HIGH,
                d,
                parameterNames));
    }
}
