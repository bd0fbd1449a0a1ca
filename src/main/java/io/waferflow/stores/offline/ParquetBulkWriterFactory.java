package io.waferflow.stores.offline;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.avro.AvroParquetWriters;

/**
 * A Parquet bulk writer for pipeline records: converts each record to Avro with a schema built from configuration (the
 * feature columns depend on the declared parameters, so no reflect schema fits) and hands it to Flink's Avro Parquet
 * writer. Files roll on every checkpoint, which makes the file sink exactly-once.
 */
public final class ParquetBulkWriterFactory<T> implements BulkWriter.Factory<T> {

    private static final long serialVersionUID = 1L;

    /** Avro schemas are kept as JSON so the factory serializes with the job graph. */
    private final String schemaJson;

    private final AvroRowConverter<T> converter;
    private transient Schema schema;

    public ParquetBulkWriterFactory(Schema schema, AvroRowConverter<T> converter) {
        this.schemaJson = schema.toString();
        this.converter = converter;
    }

    @Override
    public BulkWriter<T> create(FSDataOutputStream out) throws IOException {
        if (schema == null) {
            schema = new Schema.Parser().parse(schemaJson);
        }
        BulkWriter<GenericRecord> delegate =
                AvroParquetWriters.forGenericRecord(schema).create(out);
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
}
