package io.waferflow.quality;

import io.waferflow.ingest.DeviceTest;
import io.waferflow.metrics.PipelineCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * A valid record that arrived after its window was final (window end + allowed lateness) cannot change the offline
 * store any more; it is quarantined as a {@code too_late} violation, with the record's values as payload so it can be
 * replayed into the input topic, and counted. Stateless.
 */
public class TooLateToViolation extends RichFlatMapFunction<DeviceTest, Violation> {

    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMs;
    private final List<String> parameterNames;
    private transient PipelineCounter tooLate;
    private transient PipelineCounter quarantined;
    private transient PipelineCounter highViolations;

    public TooLateToViolation(long allowedLatenessMs, List<String> parameterNames) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.parameterNames = List.copyOf(parameterNames);
    }

    @Override
    public void open(OpenContext openContext) {
        tooLate = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_TOO_LATE);
        quarantined = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_QUARANTINED);
        highViolations = PipelineCounter.register(getRuntimeContext(), PipelineCounter.violations(Severity.HIGH));
    }

    @Override
    public void flatMap(DeviceTest d, Collector<Violation> out) {
        if (d.quarantined) {
            return; // a quarantine marker: its record is quarantined and counted already
        }
        tooLate.inc();
        quarantined.inc();
        highViolations.inc();
        out.collect(Violation.quarantining(Violation.RULE_TOO_LATE, "event_time", Long.toString(d.eventTime),
                "within the window's allowed lateness of " + allowedLatenessMs + " ms", Severity.HIGH, d,
                parameterNames));
    }
}
