package io.waferflow.ingest.stdf;

import static io.waferflow.ingest.stdf.StdfPartReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfPartReaderTest.Read;
import io.waferflow.model.Severity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocking policy: a file with an issue at or above {@code stdf.block_on} publishes none of its parts; each becomes
 * a {@link StdfRules#FILE_BLOCKED} issue with the blocking issue's severity. Expected part counts come from the byte
 * spans the test wrote.
 */
class StdfBlockingTest {

    private static final StdfConfig CRITICAL = StdfPartReaderTest.SHIPPED; // block_on: critical, as shipped

    /** A 4-site wafer of 10 touchdowns cut in the middle of a record, and the parts whose PRR is before the cut. */
    private record Cut(byte[] file, StdfWafer wafer, List<String> wholeParts, int openParts) {}

    private static Cut cutWafer() throws IOException {
        StdfWafer wafer = StdfWafer.random(new Random(3), "W7", 10, 4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdfWafer.Spans spans = new StdfWafer.Spans(bytes::size);
        io.waferflow.local.stdf.StdfWriter w = new io.waferflow.local.stdf.StdfWriter(bytes, ByteOrder.BIG_ENDIAN);
        w.mir(StdfWafer.mir());
        wafer.writeWafer(w, new Random(4), spans);
        byte[] whole = bytes.toByteArray();
        int length = (int) (whole.length * 0.6) | 1;
        byte[] cut = Arrays.copyOf(whole, length);
        List<String> complete = new ArrayList<>();
        int open = 0;
        for (StdfWafer.Part p : wafer.parts()) {
            String key = p.partId();
            if (spans.prrEnd.get(key) <= length) {
                complete.add(p.partId());
            } else if (spans.pirEnd.get(key) <= length) {
                open++;
            }
        }
        return new Cut(cut, wafer, complete, open);
    }

    @Test
    void aTruncatedFileBlockedOnCriticalPublishesNoPartButOneBlockedIssuePerPart() throws IOException {
        Cut cut = cutWafer();
        assertThat(cut.wholeParts()).hasSizeGreaterThan(10);

        Read read = read("w7.stdf", cut.file(), CRITICAL);

        assertThat(read.parts()).isEmpty();
        List<StdfIssue> blocked = read.issues().stream()
                .filter(i -> i.rule().equals(StdfRules.FILE_BLOCKED))
                .toList();
        assertThat(blocked).hasSize(cut.wholeParts().size()).allSatisfy(i -> {
            assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(i.message()).contains("blocked by stdf_truncated");
            assertThat(i.waferId()).isEqualTo("W7");
        });
        // each stands for its part: the part's device id and event time (its site's clock), as the wafer was written
        Map<String, Map<String, Object>> written = cut.wafer().expected(StdfWafer.NODE);
        assertThat(blocked).extracting(StdfIssue::deviceId).containsExactlyInAnyOrderElementsOf(cut.wholeParts());
        assertThat(blocked)
                .allSatisfy(i -> assertThat(i.eventTime())
                        .isEqualTo(written.get(i.deviceId()).get("event_time")));
        assertThat(read.issues().stream().filter(i -> !i.rule().equals(StdfRules.FILE_BLOCKED)))
                .allSatisfy(i -> assertThat(i.eventTime()).isNull());
        // besides the blocked parts: the truncation itself and the parts it cut off (PIR read, PRR not)
        assertThat(read.issues().stream().filter(i -> !i.rule().equals(StdfRules.FILE_BLOCKED)))
                .extracting(StdfIssue::rule)
                .containsOnly(StdfRules.TRUNCATED, StdfRules.PART_WITHOUT_PRR)
                .hasSize(1 + cut.openParts());
        StdfFileReport report = read.report();
        assertThat(report.blocked()).isTrue();
        assertThat(report.blockedBy()).isEqualTo(StdfRules.TRUNCATED);
        assertThat(report.publishedParts()).isZero();
        assertThat(report.quarantinedParts()).isEqualTo(cut.wholeParts().size() + cut.openParts());
        assertThat(report.toText()).contains("BLOCKED by stdf_truncated");
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toJson());
        assertThat(json.get("blocked").asBoolean()).isTrue();
        assertThat(json.get("blockedBy").asText()).isEqualTo(StdfRules.TRUNCATED);
        assertThat(json.at("/issues/stdf_file_blocked/count").asLong())
                .isEqualTo(cut.wholeParts().size());
        assertThat(json.at("/issues/stdf_truncated/severity").asText()).isEqualTo("CRITICAL");
        assertThat(json.at("/records/PRR").asLong()).isEqualTo(cut.wholeParts().size());
        assertThat(json.at("/partsBySite/h1s0").asLong()).isPositive();
    }

    @Test
    void withBlockOnNoneTheSameFileGivesItsGoodParts() throws IOException {
        Cut cut = cutWafer();
        Read read = read("w7.stdf", cut.file(), CRITICAL.withBlockOn(null));
        assertThat(read.parts()).extracting(StdfPart::deviceId).containsExactlyInAnyOrderElementsOf(cut.wholeParts());
        assertThat(read.parts())
                .allSatisfy(p -> assertThat(p.fields())
                        .isEqualTo(cut.wafer().expected(StdfWafer.NODE).get(p.deviceId())));
        assertThat(read.report().blocked()).isFalse();
    }

    @Test
    void aSingleStreamIsReadWithoutBlockingAndTheReportSaysSo() throws IOException {
        Cut cut = cutWafer();
        List<StdfPart> parts = new ArrayList<>();
        StdfFileReport report;
        try (StdfPartReader r = StdfPartReader.open("w7.stdf", new ByteArrayInputStream(cut.file()), CRITICAL)) {
            for (StdfItem i = r.next(); i != null; i = r.next()) {
                if (i instanceof StdfPart p) {
                    parts.add(p);
                }
            }
            report = r.report();
        }
        assertThat(parts).hasSize(cut.wholeParts().size());
        assertThat(report.blockingApplied()).isFalse();
        assertThat(report.blocked()).isFalse();
        assertThat(report.toText()).contains("blocking not applied");
    }

    @Test
    void blockOnHighBlocksADuplicatePartWhichCriticalLetsThrough() throws IOException {
        StdfWafer wafer = StdfWafer.random(new Random(8), "W8", 3, 2);
        List<StdfWafer.Part> parts = new ArrayList<>(wafer.parts());
        StdfWafer.Part first = parts.get(0);
        List<List<StdfWafer.Part>> touchdowns = new ArrayList<>(wafer.touchdowns);
        // a fourth touchdown retests the first part's id on site 0
        touchdowns.add(
                List.of(new StdfWafer.Part(1, 0, first.partId(), 9, 9, 1, 1, true, 50, 1.2f, 0.05f, 2.0e9f, 25f)));
        StdfWafer withDuplicate = new StdfWafer("W8", touchdowns);
        byte[] file = StdfWafer.file(withDuplicate, ByteOrder.LITTLE_ENDIAN, Compression.GZIP, null);

        Read critical = read("w8.stdf.gz", file, CRITICAL);
        assertThat(critical.parts()).hasSize(6);
        assertThat(critical.issues()).extracting(StdfIssue::rule).containsExactly(StdfRules.DUPLICATE_PART);

        Read high = read("w8.stdf.gz", file, CRITICAL.withBlockOn(Severity.HIGH));
        assertThat(high.parts()).isEmpty();
        assertThat(high.issues().stream().filter(i -> i.rule().equals(StdfRules.FILE_BLOCKED)))
                .hasSize(6)
                .allSatisfy(i -> assertThat(i.severity()).isEqualTo(Severity.HIGH));
        assertThat(high.report().blockedBy()).isEqualTo(StdfRules.DUPLICATE_PART);
    }

    @Test
    void theFileSourceCountsABlockedPartInItsWaferWindowButNotAFileLevelIssue() {
        long closed = 1_800_000_000_000L;
        StdfIssue part = new StdfIssue(
                StdfRules.FILE_BLOCKED,
                Severity.CRITICAL,
                "w7.stdf",
                900,
                1,
                2,
                "",
                "withheld",
                "W7",
                "L7",
                "P17",
                closed - 60_000);
        StdfIssue file = new StdfIssue(
                StdfRules.TRUNCATED, Severity.CRITICAL, "w7.stdf", 4000, null, null, "", "cut", "W7", "L7", null, null);
        StdfIssue future = new StdfIssue(
                StdfRules.FILE_BLOCKED,
                Severity.CRITICAL,
                "w7.stdf",
                900,
                1,
                2,
                "",
                "withheld",
                "W7",
                "L7",
                "P18",
                closed + 1);

        io.waferflow.model.ParsedDeviceTest counted = StdfFileFormat.quarantined(part, closed);
        assertThat(counted.quarantined).isTrue();
        assertThat(counted.attributable).isTrue();
        assertThat(counted.eventTimeForWatermarks()).isEqualTo(closed - 60_000);
        assertThat(counted.record.deviceId).isEqualTo("P17");
        assertThat(counted.violations[0].deviceId).isEqualTo("P17");
        assertThat(counted.violations[0].eventTime).isEqualTo(closed - 60_000);

        assertThat(StdfFileFormat.quarantined(file, closed).attributable).isFalse();
        assertThat(StdfFileFormat.quarantined(file, closed).eventTimeForWatermarks())
                .isEqualTo(Long.MIN_VALUE);
        // a part time after the file was closed is not plausible: quarantined, but it moves no watermark
        assertThat(StdfFileFormat.quarantined(future, closed).attributable).isFalse();
    }
}
