package io.waferflow.ingest;

import io.waferflow.config.InputSchema;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.quality.Violation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns raw Kafka payloads into {@link DeviceTest}s. A record with a critical or high violation goes, once per
 * violation and with its raw payload, to {@link #QUARANTINE}; it never fails the job. Stateless.
 *
 * <p>Every payload is counted in {@code records_in} and in exactly one of {@code records_valid} and
 * {@code records_quarantined}.
 */
public class ParseDeviceTests extends ProcessFunction<byte[], DeviceTest> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> QUARANTINE = new OutputTag<>("quarantine") {};

    private final InputSchema schema;

    private transient DeviceTestParser parser;
    private transient List<Violation> violations;
    private transient PipelineCounter in;
    private transient PipelineCounter valid;
    private transient PipelineCounter quarantined;
    private transient PipelineCounter violationCount;

    public ParseDeviceTests(InputSchema schema) {
        this.schema = schema;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new DeviceTestParser(schema);
        violations = new ArrayList<>();
        in = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_IN);
        valid = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_VALID);
        quarantined = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_QUARANTINED);
        violationCount = PipelineCounter.register(getRuntimeContext(), PipelineCounter.VIOLATIONS);
    }

    @Override
    public void processElement(byte[] payload, Context ctx, Collector<DeviceTest> out) {
        in.inc();
        violations.clear();
        DeviceTest record = parser.parse(payload, violations);
        boolean quarantine = false;
        for (Violation v : violations) {
            quarantine |= v.severity.quarantines();
        }
        if (!quarantine) {
            valid.inc();
            out.collect(record);
            return;
        }
        quarantined.inc();
        violationCount.inc(violations.size());
        long observedAt = ctx.timestamp() != null ? ctx.timestamp() : ctx.timerService().currentProcessingTime();
        String raw = new String(payload, StandardCharsets.UTF_8);
        for (Violation v : violations) {
            v.lotId = record.lotId;
            v.waferId = record.waferId;
            v.deviceId = record.deviceId;
            v.eventTime = record.eventTime != Long.MIN_VALUE ? record.eventTime : null;
            v.observedAt = observedAt;
            v.rawPayload = raw;
            ctx.output(QUARANTINE, v);
        }
    }
}
