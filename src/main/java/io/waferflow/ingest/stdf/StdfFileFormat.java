package io.waferflow.ingest.stdf;

import io.waferflow.config.StdfConfig;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.function.SerializableSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STDF files as a Flink {@link BulkFormat}: each file is one split (STDF is not splittable: a part is assembled from
 * records anywhere before its PRR), read by a {@link StdfPartReader} through Flink's file system, so any file system
 * Flink reads (local, HDFS, S3 with its plugin) works. With {@code stdf.block_on} set the file is opened twice (the
 * blocking policy validates it whole before anything is emitted).
 *
 * <p>Each {@link StdfPart} becomes its JSON (the bytes {@code ingest stdf} publishes to the input topic) parsed by the
 * job's own rules ({@link PartParser}, given by the caller: {@code DeviceTestDeserializer}), so a file read here and
 * the same file published to Kafka give the same records and violations. Each {@link StdfIssue} becomes a quarantined
 * record that carries its violation ({@link #quarantined}): it counts in {@code records_in} and
 * {@code records_quarantined}, and, when it stands for a part, in that part's wafer window's quarantine rate.
 *
 * <p>Position: the reader cannot seek into a file (a part's state starts at its PIR, wherever that is), so the
 * checkpointed position is {@link CheckpointedPosition#NO_OFFSET} and the number of items already emitted; a restore
 * reads the file again from the start and skips that many. Reading is deterministic, so the skipped items are exactly
 * those emitted before the checkpoint: nothing is emitted twice or lost (the pattern of Flink's
 * {@code StreamFormatAdapter} for formats without offsets).
 *
 * <p>"Now" for the event-time plausibility rule is the file's modification time: the same on every replay, and the
 * moment the tester closed the file, which every part's event time precedes.
 */
public final class StdfFileFormat implements BulkFormat<ParsedDeviceTest, FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StdfFileFormat.class);
    /** Items per batch handed to the source reader: large enough to amortize the hand-over, small for memory. */
    public static final int BATCH = 512;

    /** Parses one part's JSON by the job's rules, as a Kafka message would be. Not thread-safe: one per reader. */
    @FunctionalInterface
    public interface PartParser {
        ParsedDeviceTest parse(byte[] json, long observedAt);
    }

    private final StdfConfig config;
    private final SerializableSupplier<PartParser> parsers;

    /** @param parsers a new parser for each file reader (parsers keep per-record state) */
    public StdfFileFormat(StdfConfig config, SerializableSupplier<PartParser> parsers) {
        this.config = config;
        this.parsers = parsers;
    }

    @Override
    public Reader<ParsedDeviceTest> createReader(Configuration flink, FileSourceSplit split) throws IOException {
        return new FileReader(open(split), parsers.get(), observedAt(split), 0);
    }

    @Override
    public Reader<ParsedDeviceTest> restoreReader(Configuration flink, FileSourceSplit split) throws IOException {
        long emitted = split.getReaderPosition()
                .map(CheckpointedPosition::getRecordsAfterOffset)
                .orElse(0L);
        StdfPartReader parts = open(split);
        try {
            for (long i = 0; i < emitted; i++) {
                if (parts.next() == null) {
                    throw new IOException(split.path() + " has fewer than the " + emitted
                            + " items read before the restore: the file changed after it was read");
                }
            }
        } catch (IOException | RuntimeException e) {
            parts.close();
            throw e;
        }
        LOG.info("{}: {} items read before the restore skipped", split.path(), emitted);
        return new FileReader(parts, parsers.get(), observedAt(split), emitted);
    }

    /** The file's modification time; the clock only for a split that does not know it. */
    private static long observedAt(FileSourceSplit split) {
        return split.fileModificationTime() > 0 ? split.fileModificationTime() : System.currentTimeMillis();
    }

    private StdfPartReader open(FileSourceSplit split) throws IOException {
        Path path = split.path();
        return StdfPartReader.open(path.toString(), () -> path.getFileSystem().open(path), config);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ParsedDeviceTest> getProducedType() {
        return TypeInformation.of(ParsedDeviceTest.class);
    }

    /** One file's items in batches; logs the file's report at its end. */
    private static final class FileReader implements Reader<ParsedDeviceTest> {

        private final StdfPartReader parts;
        private final PartParser parser;
        private final long observedAt;
        private long emitted;
        private boolean reported;

        FileReader(StdfPartReader parts, PartParser parser, long observedAt, long emitted) {
            this.parts = parts;
            this.parser = parser;
            this.observedAt = observedAt;
            this.emitted = emitted;
        }

        @Nullable
        @Override
        public RecordIterator<ParsedDeviceTest> readBatch() throws IOException {
            List<ParsedDeviceTest> batch = new ArrayList<>(BATCH);
            StdfItem item;
            while (batch.size() < BATCH && (item = parts.next()) != null) {
                batch.add(parsed(item));
            }
            if (batch.isEmpty()) {
                if (!reported) {
                    reported = true;
                    LOG.info("STDF file read:\n{}", parts.report().toText());
                }
                return null;
            }
            // Each record's position counts it and those before it: a restore skips exactly what was emitted.
            RecordIterator<ParsedDeviceTest> records =
                    new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, emitted);
            emitted += batch.size();
            return records;
        }

        private ParsedDeviceTest parsed(StdfItem item) {
            if (item instanceof StdfPart part) {
                return parser.parse(part.toJson(), observedAt);
            }
            return quarantined((StdfIssue) item, observedAt);
        }

        @Override
        public void close() throws IOException {
            parts.close();
        }
    }

    /**
     * An issue as a quarantined record carrying its violation, with the identity the issue knows. One that stands for a
     * part (a blocked file's part, a duplicate) has the part's event time: it counts in its wafer window's quarantine
     * rate when that time is plausible, i.e. not after the file was closed ({@code observedAt}); any other issue has no
     * time, moves no watermark and counts in no window.
     */
    static ParsedDeviceTest quarantined(StdfIssue issue, long observedAt) {
        Long time = issue.eventTime();
        boolean timed = time != null && time > 0 && time <= observedAt && issue.waferId() != null;
        DeviceTest record = new DeviceTest();
        record.eventTime = timed ? time : Long.MIN_VALUE;
        record.waferId = issue.waferId();
        record.lotId = issue.lotId();
        record.deviceId = issue.deviceId();
        record.parameters = new double[0];
        ParsedDeviceTest parsed = new ParsedDeviceTest();
        parsed.record = record;
        parsed.violations = new Violation[] {issue.toViolation(observedAt)};
        parsed.quarantined = true;
        parsed.attributable = timed;
        return parsed;
    }
}
