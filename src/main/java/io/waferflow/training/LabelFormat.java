package io.waferflow.training;

import io.waferflow.model.TrainingEvent;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads labels files ({@link LabelRows}: CSV, JSON lines, Parquet) as label events of a {@link LabelSchema}. Files are
 * not split: a CSV file's header is at its start. The format of each file is told by its name, which the file source
 * does not hand to a stream format, so a job reads files of one format ({@link LabelRows.Format}), fixed here.
 */
public final class LabelFormat implements StreamFormat<TrainingEvent> {

    private static final long serialVersionUID = 1L;

    private final LabelSchema schema;
    private final String fileName;

    /** @param fileName a name with the labels' extension ({@code labels.csv}), for the format and for messages */
    public LabelFormat(LabelSchema schema, String fileName) {
        this.schema = schema;
        this.fileName = fileName;
        LabelRows.Format.of(fileName);
    }

    @Override
    public Reader<TrainingEvent> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) throws IOException {
        LabelRows rows = LabelRows.open(fileName, stream, fileLen);
        return new Reader<>() {
            @Override
            public TrainingEvent read() throws IOException {
                Map<String, Object> row = rows.next();
                return row == null ? null : schema.toEvent(row, rows.where());
            }

            @Override
            public void close() throws IOException {
                rows.close();
            }
        };
    }

    @Override
    public Reader<TrainingEvent> restoreReader(
            Configuration config, FSDataInputStream stream, long restoredOffset, long fileLen, long splitEnd)
            throws IOException {
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
}
