package io.waferflow.stores.offline;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.formats.parquet.avro.AvroParquetWriters;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.api.WriteSupport;

/**
 * A Parquet bulk writer for pipeline records: converts each record to Avro with a schema built from configuration (the
 * feature columns depend on the declared parameters, so no reflect schema fits) and hands it to an Avro Parquet writer.
 * Files roll on every checkpoint, which makes the file sink exactly-once. With {@code metadata}, every file's footer
 * carries those key-value pairs too (the feature rows: their definition fingerprint, see docs/registry.md).
 */
public final class ParquetBulkWriterFactory<T> implements BulkWriter.Factory<T> {

    private static final long serialVersionUID = 1L;

    /** Avro schemas are kept as JSON so the factory serializes with the job graph. */
    private final String schemaJson;

    private final AvroRowConverter<T> converter;
    private final HashMap<String, String> metadata;
    private transient Schema schema;

    public ParquetBulkWriterFactory(Schema schema, AvroRowConverter<T> converter) {
        this(schema, converter, Map.of());
    }

    public ParquetBulkWriterFactory(Schema schema, AvroRowConverter<T> converter, Map<String, String> metadata) {
        this.schemaJson = schema.toString();
        this.converter = converter;
        this.metadata = new HashMap<>(metadata);
    }

    @Override
    public BulkWriter<T> create(FSDataOutputStream out) throws IOException {
        if (schema == null) {
            schema = new Schema.Parser().parse(schemaJson);
        }
        BulkWriter<GenericRecord> delegate = metadata.isEmpty()
                ? AvroParquetWriters.forGenericRecord(schema).create(out)
                : withMetadata(schemaJson, metadata).create(out);
        Schema s = schema;
        return new BulkWriter<>() {
            @Override
            public void addElement(T element) throws IOException {
                delegate.addElement(converter.convert(element, s));
            }

            @Override
            public void flush() throws IOException {
                delegate.flush();
            }

            @Override
            public void finish() throws IOException {
                delegate.finish();
            }
        };
    }

    /**
     * Flink's Avro Parquet writer (AvroParquetWriters) with extra footer metadata, which parquet 1.13 adds this way.
     */
    private static ParquetWriterFactory<GenericRecord> withMetadata(
            String schemaJson, HashMap<String, String> metadata) {
        return new ParquetWriterFactory<>(file -> {
            Schema schema = new Schema.Parser().parse(schemaJson);
            return new WriteSupportBuilder<GenericRecord>(file, conf -> footer(schema, conf, metadata)).build();
        });
    }

    private static WriteSupport<GenericRecord> footer(Schema schema, Configuration conf, Map<String, String> metadata) {
        return new AvroWriteSupport<>(new AvroSchemaConverter(conf).convert(schema), schema, GenericData.get()) {
            @Override
            public FinalizedWriteContext finalizeWrite() {
                Map<String, String> all = new HashMap<>(super.finalizeWrite().getExtraMetaData());
                all.putAll(metadata);
                return new FinalizedWriteContext(all);
            }
        };
    }
}
