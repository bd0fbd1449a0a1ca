package io.waferflow.stores.offline;

import io.waferflow.config.InputSchema;
import io.waferflow.ingest.DeviceTest;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.util.List;

/** The raw archive row: a validated input record with the input schema's field names, the history backfills replay. */
public final class RawRecordAvro implements AvroRowConverter<DeviceTest> {

    private static final long serialVersionUID = 1L;

    private final List<String> parameters;

    public RawRecordAvro(List<String> parameterNames) {
        this.parameters = List.copyOf(parameterNames);
    }

    public Schema schema() {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("device_test").namespace("io.waferflow.raw")
                .fields()
                .name(InputSchema.EVENT_TIME).type(AvroFields.timestampMillis()).noDefault()
                .requiredString(InputSchema.LOT_ID)
                .requiredString(InputSchema.WAFER_ID)
                .requiredString(InputSchema.DEVICE_ID)
                .requiredInt(InputSchema.DIE_X)
                .requiredInt(InputSchema.DIE_Y);
        for (String p : parameters) {
            f = f.name(p).type(AvroFields.nullableDouble()).withDefault(null);
        }
        return f.requiredDouble(InputSchema.TEST_TIME_MS)
                .requiredInt(InputSchema.PASS_FAIL)
                .optionalInt(InputSchema.HARD_BIN)
                .optionalInt(InputSchema.SOFT_BIN)
                .optionalString(InputSchema.TESTER_ID)
                .endRecord();
    }

    @Override
    public GenericRecord convert(DeviceTest d, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put(InputSchema.EVENT_TIME, d.eventTime);
        r.put(InputSchema.LOT_ID, d.lotId);
        r.put(InputSchema.WAFER_ID, d.waferId);
        r.put(InputSchema.DEVICE_ID, d.deviceId);
        r.put(InputSchema.DIE_X, d.dieX);
        r.put(InputSchema.DIE_Y, d.dieY);
        for (int i = 0; i < parameters.size(); i++) {
            r.put(parameters.get(i), AvroFields.nullIfNaN(d.parameters[i]));
        }
        r.put(InputSchema.TEST_TIME_MS, d.testTimeMs);
        r.put(InputSchema.PASS_FAIL, d.passFail);
        r.put(InputSchema.HARD_BIN, d.hardBin);
        r.put(InputSchema.SOFT_BIN, d.softBin);
        r.put(InputSchema.TESTER_ID, d.testerId);
        return r;
    }
}
