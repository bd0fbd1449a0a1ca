package io.waferflow.stores.offline;

import io.waferflow.model.Violation;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The violation row: one violation, the record's identity as far as known, whether the record was quarantined, and
 * for quarantined records the whole raw payload for replay, with its size and SHA-256 (the violation topic carries
 * only a prefix of a large payload, and these find its row here).
 */
public final class ViolationAvro implements AvroRowConverter<Violation> {

    private static final long serialVersionUID = 1L;

    public Schema schema() {
        return SchemaBuilder.record("violation").namespace("io.waferflow.quarantine").fields()
                .requiredString("rule")
                .requiredString("field")
                .optionalString("value")
                .optionalString("expected")
                .requiredString("severity")
                .optionalString("lot_id")
                .optionalString("wafer_id")
                .optionalString("device_id")
                .name("event_time").type(AvroFields.nullable(AvroFields.timestampMillis())).withDefault(null)
                .name("observed_at").type(AvroFields.timestampMillis()).noDefault()
                .requiredBoolean("quarantined")
                .optionalString("raw_payload")
                .optionalLong("raw_payload_bytes")
                .optionalString("raw_payload_sha256")
                .endRecord();
    }

    @Override
    public GenericRecord convert(Violation v, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("rule", v.rule);
        r.put("field", v.field);
        r.put("value", v.value);
        r.put("expected", v.expected);
        r.put("severity", v.severity.name());
        r.put("lot_id", v.lotId);
        r.put("wafer_id", v.waferId);
        r.put("device_id", v.deviceId);
        r.put("event_time", v.eventTime);
        r.put("observed_at", v.observedAt);
        r.put("quarantined", v.quarantined);
        r.put("raw_payload", v.rawPayload);
        r.put("raw_payload_bytes", v.rawPayloadBytes);
        r.put("raw_payload_sha256", v.rawPayloadSha256);
        return r;
    }
}
