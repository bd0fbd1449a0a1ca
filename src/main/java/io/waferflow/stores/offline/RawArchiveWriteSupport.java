package io.waferflow.stores.offline;

import io.waferflow.config.InputSchema;
import io.waferflow.model.DeviceTest;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes validated input records straight into Parquet columns. The raw archive gets a row per input record, so this is
 * the busiest writer in the job: it skips the Avro detour (a GenericRecord per row and a union resolution per nullable
 * field cost more than the column encoding itself). Columns carry the input schema's names and types, so any Parquet
 * reader sees {@code event_time} as a timestamp and nullable parameters as optional doubles.
 */
public final class RawArchiveWriteSupport extends WriteSupport<DeviceTest> {

    private final List<String> parameters;
    private final MessageType schema;
    private RecordConsumer out;

    public RawArchiveWriteSupport(List<String> parameterNames) {
        this.parameters = List.copyOf(parameterNames);
        this.schema = schema(parameters);
    }

    /** The archive's rows as Avro (how {@code ingest.ArchiveInput} reads them back for a backfill). */
    public static String avroSchema(List<String> parameters) {
        return new AvroSchemaConverter().convert(schema(parameters)).toString();
    }

    public static MessageType schema(List<String> parameters) {
        LogicalTypeAnnotation string = LogicalTypeAnnotation.stringType();
        Types.MessageTypeBuilder b = Types.buildMessage();
        b.required(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
                .named(InputSchema.EVENT_TIME);
        b.required(PrimitiveTypeName.BINARY).as(string).named(InputSchema.LOT_ID);
        b.required(PrimitiveTypeName.BINARY).as(string).named(InputSchema.WAFER_ID);
        b.required(PrimitiveTypeName.BINARY).as(string).named(InputSchema.DEVICE_ID);
        b.required(PrimitiveTypeName.INT32).named(InputSchema.DIE_X);
        b.required(PrimitiveTypeName.INT32).named(InputSchema.DIE_Y);
        for (String p : parameters) {
            b.optional(PrimitiveTypeName.DOUBLE).named(p);
        }
        b.required(PrimitiveTypeName.DOUBLE).named(InputSchema.TEST_TIME_MS);
        b.required(PrimitiveTypeName.INT32).named(InputSchema.PASS_FAIL);
        b.optional(PrimitiveTypeName.INT32).named(InputSchema.HARD_BIN);
        b.optional(PrimitiveTypeName.INT32).named(InputSchema.SOFT_BIN);
        b.optional(PrimitiveTypeName.BINARY).as(string).named(InputSchema.TESTER_ID);
        return b.named("device_test");
    }

    /**
     * A Parquet writer for the raw archive. Unique or near-unique columns (device ids, parameter readings) skip
     * dictionary encoding: their dictionaries only grow until Parquet gives up on them.
     */
    public static ParquetWriter<DeviceTest> writer(OutputFile file, List<String> parameters)
            throws java.io.IOException {
        WriteSupportBuilder<DeviceTest> b = new WriteSupportBuilder<DeviceTest>(
                        file, conf -> new RawArchiveWriteSupport(parameters))
                .withDictionaryEncoding(true)
                .withDictionaryEncoding(InputSchema.DEVICE_ID, false)
                .withDictionaryEncoding(InputSchema.TEST_TIME_MS, false);
        for (String p : parameters) {
            b = b.withDictionaryEncoding(p, false);
        }
        return b.build();
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(DeviceTest d) {
        out.startMessage();
        int i = 0;
        longField(i++, InputSchema.EVENT_TIME, d.eventTime);
        stringField(i++, InputSchema.LOT_ID, d.lotId);
        stringField(i++, InputSchema.WAFER_ID, d.waferId);
        stringField(i++, InputSchema.DEVICE_ID, d.deviceId);
        intField(i++, InputSchema.DIE_X, d.dieX);
        intField(i++, InputSchema.DIE_Y, d.dieY);
        for (int p = 0; p < parameters.size(); p++, i++) {
            double v = d.parameters[p];
            if (!Double.isNaN(v)) {
                out.startField(parameters.get(p), i);
                out.addDouble(v);
                out.endField(parameters.get(p), i);
            }
        }
        out.startField(InputSchema.TEST_TIME_MS, i);
        out.addDouble(d.testTimeMs);
        out.endField(InputSchema.TEST_TIME_MS, i++);
        intField(i++, InputSchema.PASS_FAIL, d.passFail);
        if (d.hardBin != null) {
            intField(i, InputSchema.HARD_BIN, d.hardBin);
        }
        i++;
        if (d.softBin != null) {
            intField(i, InputSchema.SOFT_BIN, d.softBin);
        }
        i++;
        if (d.testerId != null) {
            stringField(i, InputSchema.TESTER_ID, d.testerId);
        }
        out.endMessage();
    }

    private void longField(int index, String name, long v) {
        out.startField(name, index);
        out.addLong(v);
        out.endField(name, index);
    }

    private void intField(int index, String name, int v) {
        out.startField(name, index);
        out.addInteger(v);
        out.endField(name, index);
    }

    private void stringField(int index, String name, String v) {
        out.startField(name, index);
        out.addBinary(Binary.fromString(v));
        out.endField(name, index);
    }
}
