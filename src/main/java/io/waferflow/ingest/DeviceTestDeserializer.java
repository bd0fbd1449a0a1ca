package io.waferflow.ingest;

import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.RawPayload;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Parses and validates each Kafka message inside the source, so that event time and watermarks are assigned per
 * partition (a source subtask reading several partitions would otherwise interleave them and make in-order data look
 * late). Never throws for bad input: a tombstone, bytes that are not JSON or any failure of the parser becomes a
 * critical violation.
 *
 * <p>"Now", for the future-skew rule, is the Kafka record's timestamp rather than the wall clock, so a replay after
 * failover judges every record exactly as the first run did.
 */
public class DeviceTestDeserializer implements KafkaRecordDeserializationSchema<ParsedDeviceTest> {

    private static final long serialVersionUID = 1L;
    private static final Violation[] NONE = new Violation[0];

    private final InputSchema schema;
    private final QualityConfig quality;

    private transient DeviceTestParser parser;
    private transient List<Violation> violations;

    public DeviceTestDeserializer(InputSchema schema, QualityConfig quality) {
        this.schema = schema;
        this.quality = quality;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        open();
    }

    /** Outside a Kafka source (the raw archive's reader). */
    void open() {
        parser = new DeviceTestParser(schema, quality);
        violations = new ArrayList<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<ParsedDeviceTest> out) {
        long now = message.timestamp() == RecordBatch.NO_TIMESTAMP ? System.currentTimeMillis() : message.timestamp();
        out.collect(parse(message.value(), now));
    }

    /** Parses one payload (null for a tombstone) observed at {@code now}. */
    ParsedDeviceTest parse(byte[] payload, long now) {
        violations.clear();
        byte[] bytes = payload == null ? new byte[0] : payload;
        DeviceTest record;
        try {
            if (bytes.length > quality.maxRecordBytes()) {
                record = new DeviceTest();
                record.eventTime = Long.MIN_VALUE;
                violations.add(new Violation(
                        Violation.RULE_TOO_LARGE,
                        "",
                        bytes.length + " bytes",
                        "at most " + quality.maxRecordBytes() + " bytes",
                        Severity.CRITICAL));
            } else {
                record = parser.parse(bytes, now, violations);
            }
        } catch (RuntimeException e) {
            // A parser bug must not stop the job: the record is quarantined with what went wrong.
            record = new DeviceTest();
            record.eventTime = Long.MIN_VALUE;
            violations.add(new Violation(
                    Violation.RULE_UNPARSEABLE, "", String.valueOf(e), "a parseable record", Severity.CRITICAL));
        }
        ParsedDeviceTest parsed = new ParsedDeviceTest();
        parsed.record = record;
        if (violations.isEmpty()) {
            parsed.violations = NONE;
            return parsed;
        }
        boolean quarantine = false;
        for (Violation v : violations) {
            quarantine |= v.severity.quarantines();
        }
        // Whole, however large: the Parquet quarantine keeps it for replay; the violation topic bounds its copy.
        RawPayload raw = quarantine ? RawPayload.of(bytes) : null;
        for (Violation v : violations) {
            v.lotId = record.lotId;
            v.waferId = record.waferId;
            v.deviceId = record.deviceId;
            v.eventTime = record.eventTime != Long.MIN_VALUE ? record.eventTime : null;
            v.observedAt = now;
            v.quarantined = quarantine;
            if (raw != null) {
                raw.attachTo(v);
            }
        }
        parsed.violations = violations.toArray(NONE);
        parsed.quarantined = quarantine;
        parsed.attributable = quarantine
                && record.waferId != null
                && record.eventTime != Long.MIN_VALUE
                && violations.stream()
                        .noneMatch(v -> v.field.equals(InputSchema.WAFER_ID) || v.field.equals(InputSchema.EVENT_TIME));
        return parsed;
    }

    @Override
    public TypeInformation<ParsedDeviceTest> getProducedType() {
        return TypeInformation.of(ParsedDeviceTest.class);
    }
}
