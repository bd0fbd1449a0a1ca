package io.waferflow.quality;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Quarantines exact duplicates: a second record of the same (wafer, device, event time), as a re-uploaded file or a
 * producer retry delivers it. A retest of a die (same device, new event time) is not a duplicate and goes on.
 *
 * <p>State (keyed by wafer): the (device, event time) pairs seen, and the wafer's latest event time. Cleared by an
 * event-time timer once the wafer has been quiet for {@code quietTimeout}; the timer is kept to one per wafer and
 * checked at most once per minute of event time, not one per record.
 */
public class DropDuplicates extends KeyedProcessFunction<String, DeviceTest, DeviceTest> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> DUPLICATES = new OutputTag<>("duplicates") {};

    private static final long TIMER_GRANULARITY_MS = 60_000;

    private final long quietTimeoutMs;
    private final List<String> parameterNames;

    private transient MapState<String, Boolean> seen;
    private transient ValueState<Long> latestEventTime;
    private transient ValueState<Long> cleanupTimer;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter windowed = counters.add(PipelineCounter.RECORDS_WINDOWED);
    private final PipelineCounter duplicates = counters.add(PipelineCounter.RECORDS_DUPLICATE);
    private final PipelineCounter quarantined = counters.add(PipelineCounter.RECORDS_QUARANTINED);
    private final PipelineCounter highViolations =
            counters.add(PipelineCounter.violationsOfSeverity(Severity.HIGH.name()));
    private final PipelineCounter duplicateViolations =
            counters.add(PipelineCounter.violationsOfRule(Violation.RULE_DUPLICATE));

    public DropDuplicates(long quietTimeoutMs, List<String> parameterNames) {
        this.quietTimeoutMs = quietTimeoutMs;
        this.parameterNames = List.copyOf(parameterNames);
    }

    public static MapStateDescriptor<String, Boolean> seenDescriptor() {
        return new MapStateDescriptor<>("seen-device-tests", Types.STRING, Types.BOOLEAN);
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(seenDescriptor());
        latestEventTime = getRuntimeContext().getState(new ValueStateDescriptor<>("latest-event-time", Types.LONG));
        cleanupTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-timer", Types.LONG));
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(DeviceTest d, Context ctx, Collector<DeviceTest> out) throws Exception {
        if (d.quarantined) {
            out.collect(d); // a quarantine marker: on to its window's quarantine rate
            return;
        }
        String identity = d.deviceId + '@' + d.eventTime;
        if (seen.contains(identity)) {
            duplicates.inc();
            quarantined.inc();
            highViolations.inc();
            duplicateViolations.inc();
            ctx.output(DUPLICATES, violation(d));
            out.collect(DeviceTest.quarantineMarker(d.waferId, d.lotId, d.eventTime));
            return;
        }
        seen.put(identity, Boolean.TRUE);
        Long latest = latestEventTime.value();
        if (latest == null || d.eventTime > latest) {
            latestEventTime.update(d.eventTime);
        }
        if (cleanupTimer.value() == null) {
            scheduleCleanup(ctx.timerService(), Math.max(d.eventTime, latest == null ? d.eventTime : latest));
        }
        windowed.inc();
        out.collect(d);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceTest> out) throws Exception {
        long latest = latestEventTime.value();
        if (timestamp >= latest + quietTimeoutMs) {
            seen.clear();
            latestEventTime.clear();
            cleanupTimer.clear();
        } else {
            scheduleCleanup(ctx.timerService(), latest);
        }
    }

    private void scheduleCleanup(org.apache.flink.streaming.api.TimerService timers, long latest) throws Exception {
        long due = latest + quietTimeoutMs;
        long rounded = (due / TIMER_GRANULARITY_MS + 1) * TIMER_GRANULARITY_MS;
        timers.registerEventTimeTimer(rounded);
        cleanupTimer.update(rounded);
    }

    private Violation violation(DeviceTest d) {
        return Quarantine.of(
                Violation.RULE_DUPLICATE,
                "",
                d.deviceId + "@" + d.eventTime,
                "one record per (wafer, device, event time)",
                Severity.HIGH,
                d,
                parameterNames);
    }
}
