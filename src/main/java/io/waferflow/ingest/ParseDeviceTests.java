package io.waferflow.ingest;

import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.quality.Severity;
import io.waferflow.quality.Violation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw Kafka payloads into {@link DeviceTest}s and reports every data-quality violation to {@link #VIOLATIONS}.
 * A record with a critical or high violation is quarantined: its violations carry {@code quarantined = true} and
 * its raw payload, and the record goes no further. A record with only medium or low violations goes on, flagged.
 * Bad input never fails the job. Stateless.
 *
 * <p>Every payload is counted in {@code records_in} and in exactly one of {@code records_valid} and
 * {@code records_quarantined}; violations are counted by severity ({@code violations_<severity>}).
 */
public class ParseDeviceTests extends ProcessFunction<byte[], DeviceTest> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> VIOLATIONS = new OutputTag<>("violations") {};

    private final InputSchema schema;
    private final QualityConfig quality;

    private transient DeviceTestParser parser;
    private transient List<Violation> violations;
    private transient PipelineCounter in;
    private transient PipelineCounter valid;
    private transient PipelineCounter quarantined;
    private transient Map<Severity, PipelineCounter> bySeverity;

    public ParseDeviceTests(InputSchema schema, QualityConfig quality) {
        this.schema = schema;
        this.quality = quality;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new DeviceTestParser(schema, quality);
        violations = new ArrayList<>();
        in = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_IN);
        valid = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_VALID);
        quarantined = PipelineCounter.register(getRuntimeContext(), PipelineCounter.RECORDS_QUARANTINED);
        bySeverity = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            bySeverity.put(s, PipelineCounter.register(getRuntimeContext(), PipelineCounter.violations(s)));
        }
    }

    @Override
    public void processElement(byte[] payload, Context ctx, Collector<DeviceTest> out) {
        in.inc();
        violations.clear();
        long now = ctx.timerService().currentProcessingTime();
        DeviceTest record = parser.parse(payload, now, violations);
        boolean quarantine = false;
        for (Violation v : violations) {
            quarantine |= v.severity.quarantines();
        }
        if (quarantine) {
            quarantined.inc();
        } else {
            valid.inc();
            out.collect(record);
        }
        if (violations.isEmpty()) {
            return;
        }
        long observedAt = ctx.timestamp() != null ? ctx.timestamp() : now;
        String raw = quarantine ? new String(payload, StandardCharsets.UTF_8) : null;
        for (Violation v : violations) {
            bySeverity.get(v.severity).inc();
            v.lotId = record.lotId;
            v.waferId = record.waferId;
            v.deviceId = record.deviceId;
            v.eventTime = record.eventTime != Long.MIN_VALUE ? record.eventTime : null;
            v.observedAt = observedAt;
            v.quarantined = quarantine;
            v.rawPayload = raw;
            ctx.output(VIOLATIONS, v);
        }
    }
}
