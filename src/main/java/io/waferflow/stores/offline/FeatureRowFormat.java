package io.waferflow.stores.offline;

import io.waferflow.model.TrainingEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.parquet.ParquetInputFile;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads the committed feature rows of one group and version (as {@link FeatureRowAvro} wrote them) as training-set
 * inputs: entity, window end, revision, written-at and only the requested feature columns (a Parquet projection, so the
 * other columns are never decoded). A file without {@code written_at} (written before it existed) gives rows that were
 * never available ({@link TrainingEvent#NEVER_WRITTEN}). A requested column the file lacks fails the read, naming the
 * file. Files are not split (a feature file is one checkpoint's rows).
 */
public final class FeatureRowFormat implements StreamFormat<TrainingEvent> {

    private static final long serialVersionUID = 1L;

    private final int input;
    private final String[] features;

    /**
     * @param input the index of this group and version among the requested inputs
     * @param features the feature columns to read, in output order
     */
    public FeatureRowFormat(int input, List<String> features) {
        this.input = input;
        this.features = features.toArray(String[]::new);
    }

    /** The column names of a feature file (its Parquet footer), to check requested features before a job starts. */
    public static List<String> columnsOf(org.apache.flink.core.fs.Path file) throws IOException {
        org.apache.flink.core.fs.FileSystem fs = file.getFileSystem();
        long length = fs.getFileStatus(file).getLen();
        try (FSDataInputStream in = fs.open(file);
                ParquetFileReader footer = ParquetFileReader.open(new ParquetInputFile(in, length))) {
            return footer.getFooter().getFileMetaData().getSchema().getFields().stream()
                    .map(Type::getName)
                    .toList();
        }
    }

    @Override
    public Reader<TrainingEvent> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) throws IOException {
        ParquetInputFile file = new ParquetInputFile(stream, fileLen);
        // Not closed: closing it would close the stream the row reader reads next; that reader closes it.
        MessageType fileSchema =
                ParquetFileReader.open(file).getFooter().getFileMetaData().getSchema();
        List<String> missing = new ArrayList<>();
        for (String f : features) {
            if (!fileSchema.containsField(f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("a feature file lacks the requested columns " + missing + " (columns: "
                    + fileSchema.getFields().stream().map(Type::getName).toList() + ")");
        }
        boolean hasWrittenAt = fileSchema.containsField(FeatureRowAvro.WRITTEN_AT);
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        AvroReadSupport.setRequestedProjection(conf, projection(fileSchema, hasWrittenAt));
        stream.seek(0);
        ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(file)
                .withDataModel(GenericData.get())
                .withConf(conf)
                .build();
        return new RowReader(reader, hasWrittenAt);
    }

    /** The file's own types of the columns read, so the projection always matches the file. */
    private Schema projection(MessageType fileSchema, boolean hasWrittenAt) {
        List<Type> kept = new ArrayList<>();
        kept.add(fileSchema.getType(FeatureRowAvro.WAFER_ID));
        kept.add(fileSchema.getType(FeatureRowAvro.WINDOW_END));
        kept.add(fileSchema.getType(FeatureRowAvro.REVISION));
        if (hasWrittenAt) {
            kept.add(fileSchema.getType(FeatureRowAvro.WRITTEN_AT));
        }
        for (String f : features) {
            kept.add(fileSchema.getType(f));
        }
        return new AvroSchemaConverter().convert(new MessageType(fileSchema.getName(), kept));
    }

    @Override
    public Reader<TrainingEvent> restoreReader(
            Configuration config, FSDataInputStream stream, long restoredOffset, long fileLen, long splitEnd)
            throws IOException {
        // Batch jobs restart a failed region from its start: there is no position to restore.
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<TrainingEvent> getProducedType() {
        return TypeInformation.of(TrainingEvent.class);
    }

    private final class RowReader implements StreamFormat.Reader<TrainingEvent> {

        private final ParquetReader<GenericRecord> reader;
        private final boolean hasWrittenAt;

        RowReader(ParquetReader<GenericRecord> reader, boolean hasWrittenAt) {
            this.reader = reader;
            this.hasWrittenAt = hasWrittenAt;
        }

        @Override
        public TrainingEvent read() throws IOException {
            GenericRecord r = reader.read();
            if (r == null) {
                return null;
            }
            double[] values = new double[features.length];
            for (int i = 0; i < values.length; i++) {
                Object v = r.get(features[i]);
                values[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
            }
            Object writtenAt = hasWrittenAt ? r.get(FeatureRowAvro.WRITTEN_AT) : null;
            return TrainingEvent.featureRow(
                    r.get(FeatureRowAvro.WAFER_ID).toString(),
                    input,
                    ((Number) r.get(FeatureRowAvro.WINDOW_END)).longValue(),
                    ((Number) r.get(FeatureRowAvro.REVISION)).intValue(),
                    writtenAt == null ? TrainingEvent.NEVER_WRITTEN : ((Number) writtenAt).longValue(),
                    values);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
