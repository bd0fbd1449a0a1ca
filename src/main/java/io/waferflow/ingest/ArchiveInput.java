package io.waferflow.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.InputSchema;
import io.waferflow.model.ParsedDeviceTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.annotation.Nullable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;

/**
 * The raw archive ({@code <offline root>/raw/date=...}, every record that passed parsing, as received) as a bounded
 * source for {@code backfill --source archive}. Each archived row goes back through the same parser and rules as a
 * Kafka message ({@link DeviceTestDeserializer}): a row becomes the JSON object it stood for, so a new feature
 * version's rules apply to it exactly as they would to the topic.
 *
 * <p>What the archive cannot give: records the archiving version quarantined (they are in {@code _quarantine/} with
 * their raw payload), and fields its schema did not declare. For a version that reads new fields, backfill from the
 * topic.
 */
public final class ArchiveInput {

    private ArchiveInput() {}

    /**
     * The records archived under {@code offlineRoot} (a path or URI; usually the configuration's own
     * {@code offline.root}) with event time in [{@code fromMillis}, {@code toMillis}) (null: unbounded), read with the
     * archive's own Avro schema ({@code RawArchiveWriteSupport.avroSchema}, passed in by the caller that wires stores).
     */
    public static FileSource<ParsedDeviceTest> source(
            FeaturesJobConfig c,
            String offlineRoot,
            String archiveAvroSchema,
            @Nullable Long fromMillis,
            @Nullable Long toMillis) {
        return FileSource.forRecordStreamFormat(
                        new ArchivedRecords(
                                archiveAvroSchema,
                                new DeviceTestDeserializer(c.schema(), c.quality()),
                                fromMillis == null ? Long.MIN_VALUE : fromMillis,
                                toMillis == null ? Long.MAX_VALUE : toMillis),
                        new Path(FeaturesJobConfig.toUri(offlineRoot) + "/raw"))
                .build();
    }

    /** Archived rows, read as Avro records from Parquet, parsed as if they had just arrived. */
    static final class ArchivedRecords implements StreamFormat<ParsedDeviceTest> {

        private static final long serialVersionUID = 1L;
        private static final JsonFactory JSON = new JsonFactory();

        private final String avroSchema;
        private final DeviceTestDeserializer parser;
        private final long from;
        private final long to;

        ArchivedRecords(String avroSchema, DeviceTestDeserializer parser, long from, long to) {
            this.avroSchema = avroSchema;
            this.parser = parser;
            this.from = from;
            this.to = to;
        }

        private StreamFormat<GenericRecord> rows() {
            return AvroParquetReaders.forGenericRecord(new Schema.Parser().parse(avroSchema));
        }

        @Override
        public Reader<ParsedDeviceTest> createReader(
                Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) throws IOException {
            return reader(rows().createReader(config, stream, fileLen, splitEnd));
        }

        @Override
        public Reader<ParsedDeviceTest> restoreReader(
                Configuration config, FSDataInputStream stream, long restoredOffset, long fileLen, long splitEnd)
                throws IOException {
            return reader(rows().restoreReader(config, stream, restoredOffset, fileLen, splitEnd));
        }

        private Reader<ParsedDeviceTest> reader(Reader<GenericRecord> rows) {
            parser.open();
            return new Reader<>() {
                @Override
                public ParsedDeviceTest read() throws IOException {
                    for (GenericRecord row = rows.read(); row != null; row = rows.read()) {
                        long eventTime = (Long) row.get(InputSchema.EVENT_TIME);
                        if (eventTime >= from && eventTime < to) {
                            // "Now" for the future-skew rule: the record was plausible when it was archived.
                            return parser.parse(json(row), eventTime);
                        }
                    }
                    return null;
                }

                @Override
                public void close() throws IOException {
                    rows.close();
                }
            };
        }

        /** The JSON object an archived row stands for: its columns by name, absent where null. */
        static byte[] json(GenericRecord row) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                g.writeStartObject();
                for (Schema.Field f : row.getSchema().getFields()) {
                    Object v = row.get(f.pos());
                    if (v == null) {
                        continue;
                    }
                    g.writeFieldName(f.name());
                    if (v instanceof CharSequence) {
                        g.writeString(v.toString());
                    } else if (v instanceof Long) {
                        g.writeNumber((Long) v);
                    } else if (v instanceof Integer) {
                        g.writeNumber((Integer) v);
                    } else {
                        g.writeNumber(((Number) v).doubleValue());
                    }
                }
                g.writeEndObject();
            }
            return bytes.toByteArray();
        }

        @Override
        public boolean isSplittable() {
            return false;
        }

        @Override
        public TypeInformation<ParsedDeviceTest> getProducedType() {
            return TypeInformation.of(ParsedDeviceTest.class);
        }
    }
}
