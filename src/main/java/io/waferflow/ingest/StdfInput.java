package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.ingest.stdf.OldestFileFirst;
import io.waferflow.ingest.stdf.StdfDirectory;
import io.waferflow.ingest.stdf.StdfFileFormat;
import io.waferflow.model.ParsedDeviceTest;
import java.time.Duration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * A directory of STDF files as the feature job's source ({@code features --source stdf:DIR}): each file is read whole
 * by one reader ({@link StdfFileFormat}), files in parallel across readers, oldest first. Parts are parsed by the same
 * rules as Kafka messages ({@link DeviceTestDeserializer}), so the job computes the same features from a file as from
 * the same file published by {@code ingest stdf}.
 *
 * <p>Watermarks come from the parts' event times, per reader: a reader's files are read one after another, so a file
 * whose parts are older than what that reader read before (minus {@code feature_group.watermark.out_of_orderness} and
 * the window's allowed lateness) has late parts, which go to the violations as {@code too_late}. Files are handed out
 * oldest first by modification time; testers that write files of overlapping times need the bounds to cover the overlap
 * (docs/stdf.md).
 */
public final class StdfInput {

    /** How often a watched directory is listed; a new file is read after two listings saw the same size. */
    public static final Duration WATCH_INTERVAL = Duration.ofSeconds(5);

    private StdfInput() {}

    /**
     * The STDF files directly in {@code dir} (a path or URI of any file system Flink reads). {@code follow}: keep
     * watching for new files (unbounded; the source's state lists every file read, so a restart reads none twice); else
     * read the files there now and end (bounded).
     */
    public static FileSource<ParsedDeviceTest> source(FeaturesJobConfig c, Path dir, boolean follow) {
        InputSchema schema = c.schema();
        QualityConfig quality = c.quality();
        FileSource.FileSourceBuilder<ParsedDeviceTest> builder = FileSource.forBulkFileFormat(
                        new StdfFileFormat(c.stdf(), () -> parser(schema, quality)), dir)
                .setFileEnumerator(() -> new StdfDirectory(follow))
                .setSplitAssigner(OldestFileFirst::new);
        if (follow) {
            builder.monitorContinuously(WATCH_INTERVAL);
        }
        return builder.build();
    }

    /** A deserializer per file reader (it keeps per-record state), used as the Kafka source uses it. */
    static StdfFileFormat.PartParser parser(InputSchema schema, QualityConfig quality) {
        DeviceTestDeserializer deserializer = new DeviceTestDeserializer(schema, quality);
        deserializer.open();
        return deserializer::parse;
    }
}
