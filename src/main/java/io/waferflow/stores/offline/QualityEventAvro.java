package io.waferflow.stores.offline;

import io.waferflow.model.QualityEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The quality-event row: what was found for which wafer window, by how much over which limit. */
public final class QualityEventAvro implements AvroRowConverter<QualityEvent> {

    private static final long serialVersionUID = 1L;

    public Schema schema() {
        return SchemaBuilder.record("quality_event").namespace("io.waferflow.quality").fields()
                .requiredString("type")
                .requiredString("severity")
                .requiredString("wafer_id")
                .optionalString("lot_id")
                .name("window_start").type(AvroFields.timestampMillis()).noDefault()
                .name("window_end").type(AvroFields.timestampMillis()).noDefault()
                .requiredString("field")
                .requiredDouble("rate")
                .requiredDouble("threshold")
                .requiredLong("device_count")
                .requiredString("message")
                .endRecord();
    }

    @Override
    public GenericRecord convert(QualityEvent e, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("type", e.type);
        r.put("severity", e.severity.name());
        r.put("wafer_id", e.waferId);
        r.put("lot_id", e.lotId);
        r.put("window_start", e.windowStart);
        r.put("window_end", e.windowEnd);
        r.put("field", e.field);
        r.put("rate", e.rate);
        r.put("threshold", e.threshold);
        r.put("device_count", e.deviceCount);
        r.put("message", e.message);
        return r;
    }
}
