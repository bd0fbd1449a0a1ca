package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.stdf.StdfFileFormat;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.testing.StdfWaferFile;
import io.waferflow.testing.TestDie;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STDF file format as the file source drives it: every part of a file becomes the record the Kafka path would
 * parse, and a reader restored from the position checkpointed after any record emits exactly the records after it (none
 * twice, none lost), also across batch boundaries and for issues.
 */
class StdfInputTest {

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private final FeaturesJobConfig config =
            TestConfigs.features("stdf.block_on=none", "quality.event_time.max_future_skew=3650 d");

    private StdfFileFormat format() {
        FeaturesJobConfig c = config;
        return new StdfFileFormat(c.stdf(), () -> StdfInput.parser(c.schema(), c.quality()));
    }

    private static FileSourceSplit split(Path file) throws Exception {
        long size = Files.size(file);
        return new FileSourceSplit(
                "s", new org.apache.flink.core.fs.Path(file.toUri()), 0, size, System.currentTimeMillis(), size);
    }

    /** Every record and the position checkpointed after it. */
    private static List<RecordAndPosition<ParsedDeviceTest>> readAll(BulkFormat.Reader<ParsedDeviceTest> reader)
            throws Exception {
        List<RecordAndPosition<ParsedDeviceTest>> out = new ArrayList<>();
        for (BulkFormat.RecordIterator<ParsedDeviceTest> batch = reader.readBatch();
                batch != null;
                batch = reader.readBatch()) {
            for (RecordAndPosition<ParsedDeviceTest> r = batch.next(); r != null; r = batch.next()) {
                out.add(new RecordAndPosition<>(r.getRecord(), r.getOffset(), r.getRecordSkipCount()));
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }

    private static String identity(ParsedDeviceTest p) {
        return p.quarantined
                ? "issue " + p.violations[0].rule + " " + p.violations[0].value
                : p.record.waferId + " " + p.record.dieX + "," + p.record.dieY + " @" + p.record.eventTime;
    }

    @Test
    void partsAreParsedLikeKafkaMessagesAndIssuesAreQuarantined() throws Exception {
        StdfWaferFile w = StdfWaferFile.write("L1", "W1", "T9", T0, 0, 11, 4, 3, 7, ByteOrder.BIG_ENDIAN);
        Path file = Files.write(tmp.resolve("w1.stdf"), w.truncatedAfter(6, 2));

        List<RecordAndPosition<ParsedDeviceTest>> read =
                readAll(format().createReader(new Configuration(), split(file)));

        List<TestDie> kept = w.diesUpTo(6);
        List<ParsedDeviceTest> parts = read.stream()
                .map(RecordAndPosition::getRecord)
                .filter(p -> !p.quarantined)
                .toList();
        assertThat(parts).hasSize(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            TestDie want = kept.get(i);
            DeviceTest got = parts.get(i).record;
            assertThat(List.of(got.waferId, got.lotId, got.eventTime, got.dieX, got.dieY, got.passFail, got.testTimeMs))
                    .as("part " + i)
                    .isEqualTo(List.of(
                            want.wafer(),
                            want.lot(),
                            want.time(),
                            want.x(),
                            want.y(),
                            want.pass() ? 1 : 0,
                            want.testTimeMs()));
            assertThat(got.parameters)
                    .as("part " + i)
                    .containsExactly(want.vdd(), want.idd(), want.frequency(), want.temperature());
            assertThat(parts.get(i).violations).as("part " + i).isEmpty();
        }
        assertThat(read.stream().map(RecordAndPosition::getRecord).filter(p -> p.quarantined))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.violations).hasSize(1))
                .anySatisfy(p -> assertThat(p.violations[0].rule).isEqualTo("stdf_truncated"));
    }

    @Test
    void aRestoreAfterAnyRecordEmitsExactlyTheRest() throws Exception {
        // More items than a batch holds, so restores land in the first and in later batches.
        int dies = StdfFileFormat.BATCH + 100;
        StdfWaferFile w = StdfWaferFile.write("L1", "W2", "T9", T0, 0, dies, 40, 4, 8, ByteOrder.LITTLE_ENDIAN);
        Path file = Files.write(tmp.resolve("w2.stdf"), w.truncatedAfter(dies - 3, 1));
        List<RecordAndPosition<ParsedDeviceTest>> all =
                readAll(format().createReader(new Configuration(), split(file)));
        List<String> expected = all.stream().map(r -> identity(r.getRecord())).toList();

        for (int after :
                new int[] {0, 1, StdfFileFormat.BATCH - 1, StdfFileFormat.BATCH, all.size() - 2, all.size() - 1}) {
            RecordAndPosition<ParsedDeviceTest> at = all.get(after);
            FileSourceSplit restored = split(file)
                    .updateWithCheckpointedPosition(new CheckpointedPosition(at.getOffset(), at.getRecordSkipCount()));
            List<String> rest = readAll(format().restoreReader(new Configuration(), restored)).stream()
                    .map(r -> identity(r.getRecord()))
                    .toList();
            assertThat(rest).as("restored after record " + after).isEqualTo(expected.subList(after + 1, all.size()));
        }
    }
}
