package io.waferflow.ingest.stdf;

import static io.waferflow.ingest.stdf.StdfPartReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfPartReaderTest.Read;
import io.waferflow.local.stdf.StdfWriter;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every file-level rule, triggered once by a small file written for it: the issue, its severity, and what happens to
 * the parts around it. Blocking is off here ({@code block_on: none}) unless a test is about it.
 */
class StdfRulesTest {

    private static final StdfConfig NO_BLOCKING = StdfPartReaderTest.SHIPPED.withBlockOn(null);
    private static final Limits LIMITS = new Limits(0x0E, 0, 0, 0, 1.0f, 1.4f);

    /** FAR, {@code records}, MRR. */
    private static byte[] file(Consumer<StdfWriter> records) throws IOException {
        return StdfFiles.write(ByteOrder.LITTLE_ENDIAN, Compression.NONE, w -> {
            records.accept(w);
            StdfWafer.mrr(w);
        });
    }

    /** MIR and WIR of wafer W1, then {@code body}. */
    private static byte[] wafer(Consumer<StdfWriter> body) throws IOException {
        return file(w -> {
            w.mir(StdfWafer.mir()).wir(new Wir(1, 255, StdfWafer.WIR_START, "W1"));
            body.accept(w);
        });
    }

    /** A whole part on head 1: PIR, a VDD PTR (limits and units on every one), PRR. */
    private static void part(StdfWriter w, int site, String id, int x, int y, float vdd) {
        w.pir(new Pir(1, site));
        w.ptr(new Ptr(100, 1, site, 0, 0, vdd, "VDD", "", LIMITS, "V"));
        w.prr(new Prr(1, site, 0, 1, 1, 1, x, y, 100, id, ""));
    }

    private static void assertOnlyIssue(Read read, String rule, Severity severity) {
        assertThat(read.issues())
                .extracting(StdfIssue::rule, StdfIssue::severity)
                .containsExactly(tuple(rule, severity));
        assertThat(read.report().issues()).containsOnlyKeys(rule);
        assertThat(read.report().issues().get(rule).count()).isEqualTo(1);
        assertThat(read.report().recommendations()).containsExactly(rule + ": " + StdfRules.recommendation(rule));
    }

    @Test
    void truncatedIsCriticalAtTheBrokenRecordAndKeepsThePartsBeforeIt() throws IOException {
        byte[] whole = wafer(w -> {
            part(w, 0, "A", 1, 1, 1.1f);
            part(w, 0, "B", 2, 1, 1.2f);
        });
        byte[] cut = Arrays.copyOf(whole, whole.length - 8 - 3); // inside B's PRR, before the 8-byte MRR

        Read read = read("cut.stdf", cut, NO_BLOCKING);

        assertThat(read.parts()).extracting(StdfPart::deviceId).containsExactly("A");
        // B's PIR was read, its PRR was not: B is a part without PRR; the truncation is the critical issue
        assertThat(read.issues())
                .extracting(StdfIssue::rule, StdfIssue::severity)
                .containsExactly(
                        tuple(StdfRules.TRUNCATED, Severity.CRITICAL),
                        tuple(StdfRules.PART_WITHOUT_PRR, Severity.HIGH));
        StdfIssue truncated = read.issues().get(0);
        assertThat(truncated.file()).isEqualTo("cut.stdf");
        assertThat(truncated.offset()).isLessThan(cut.length).isGreaterThan(0);
        assertThat(truncated.message()).contains("REC_LEN");
        assertThat(read.report().stdfBytes()).isEqualTo(truncated.offset());
    }

    @Test
    void aFileEndingWithoutItsMrrIsTruncatedAtItsEnd() throws IOException {
        byte[] f = StdfFiles.write(ByteOrder.BIG_ENDIAN, Compression.NONE, w -> {
            w.mir(StdfWafer.mir()).wir(new Wir(1, 255, StdfWafer.WIR_START, "W1"));
            part(w, 0, "A", 1, 1, 1.1f);
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.TRUNCATED, Severity.CRITICAL);
        assertThat(read.issues().get(0).offset()).isEqualTo(f.length);
        assertThat(read.issues().get(0).message()).contains("without its MRR");
        assertThat(read.parts()).hasSize(1);
    }

    @Test
    void aPartWithoutPrrIsQuarantinedWhenTheNextPirOnItsSiteComes() throws IOException {
        byte[] f = wafer(w -> {
            w.pir(new Pir(1, 0)).ptr(new Ptr(100, 1, 0, 0, 0, 1.1f, "VDD", "", LIMITS, "V"));
            part(w, 0, "B", 2, 1, 1.2f);
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.PART_WITHOUT_PRR, Severity.HIGH);
        assertThat(read.parts()).extracting(StdfPart::deviceId).containsExactly("B");
        assertThat(read.report().quarantinedParts()).isEqualTo(1);
        assertThat(read.report().parts()).isEqualTo(1);
    }

    @Test
    void resultsOutsideAPartAreSkippedAndCountedInOneIssuePerSite() throws IOException {
        byte[] f = wafer(w -> {
            part(w, 0, "A", 1, 1, 1.1f);
            w.ptr(new Ptr(100, 1, 0, 0, 0, 9f, "VDD", "", LIMITS, "V"));
            w.ptr(new Ptr(100, 1, 0, 0, 0, 9f, "VDD", "", LIMITS, "V"));
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.RESULT_OUTSIDE_PART, Severity.MEDIUM);
        assertThat(read.issues().get(0).message()).startsWith("2 ");
        assertThat(read.parts())
                .singleElement()
                .satisfies(p -> assertThat(p.fields().get("vdd")).isEqualTo(1.1));
    }

    @Test
    void unknownRecordTypesGiveOneIssuePerTypeWithTheCountAndSpecTypesNone() throws IOException {
        byte[] f = wafer(w -> {
            w.record(99, 1, w.body().u1(1)).record(99, 1, w.body().u1(2)).record(99, 1, w.body());
            w.record(1, 40, w.body().u1(1).u1(0).u2(1).u4(5).u1('P').cn("good")); // an HBR: known, not decoded
            part(w, 0, "A", 1, 1, 1.1f);
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.UNKNOWN_RECORD, Severity.LOW);
        assertThat(read.issues().get(0).message()).isEqualTo("3 record(s) of type 99/1 were skipped");
        assertThat(read.report().records()).containsEntry("99/1", 3L).containsEntry("HBR", 1L);
        assertThat(read.parts()).hasSize(1);
    }

    @Test
    void aTestWithoutLimitsInItsFirstRecordIsOneIssuePerTest() throws IOException {
        byte[] f = wafer(w -> {
            for (String id : new String[] {"A", "B"}) {
                w.pir(new Pir(1, 0));
                w.ptr(new Ptr(100, 1, 0, 0, 0, 1.1f, "VDD", "", Limits.OMITTED, ""));
                w.prr(new Prr(1, 0, 0, 1, 1, 1, id.charAt(0), 1, 100, id, ""));
            }
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.TEST_WITHOUT_LIMITS, Severity.LOW);
        assertThat(read.issues().get(0).field()).isEqualTo("vdd");
        assertThat(read.parts()).hasSize(2);
    }

    @Test
    void aWrrNamingAnotherWaferIsInconsistent() throws IOException {
        byte[] f = wafer(w -> {
            part(w, 0, "A", 1, 1, 1.1f);
            w.wrr(new Wrr(1, 255, StdfWafer.WIR_START + 60, 1, 0, 0, 1, 0, "W2"));
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.INCONSISTENT_WAFER, Severity.HIGH);
        assertThat(read.issues().get(0))
                .extracting(StdfIssue::field, StdfIssue::waferId)
                .containsExactly("wafer_id", "W1");
    }

    @Test
    void aPartIdSeenTwiceOnAWaferQuarantinesTheSecond() throws IOException {
        byte[] f = wafer(w -> {
            part(w, 0, "A", 1, 1, 1.1f);
            part(w, 1, "A", 2, 1, 1.2f);
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.DUPLICATE_PART, Severity.HIGH);
        assertThat(read.parts())
                .singleElement()
                .satisfies(p -> assertThat(p.fields().get("die_x")).isEqualTo(1));
        assertThat(read.issues().get(0).site()).isEqualTo(1);
    }

    @Test
    void withoutWirTheWaferIsTheSublotElseTheFileName() throws IOException {
        byte[] withMir = file(w -> {
            w.mir(StdfWafer.mir());
            part(w, 0, "A", 1, 1, 1.1f);
        });
        Read read = read("dir/lot7_w3.stdf.gz", withMir, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.NO_WAFER_RECORD, Severity.LOW);
        assertThat(read.parts()).singleElement().satisfies(p -> {
            assertThat(p.waferId()).isEqualTo("SB1"); // the MIR's SBLOT_ID
            assertThat(p.lotId()).isEqualTo(StdfWafer.LOT);
            assertThat(p.eventTime()).isEqualTo(StdfWafer.MIR_START * 1000 + 100); // the MIR's start, no WIR
        });

        byte[] bare = file(w -> part(w, 0, "A", 1, 1, 1.1f));
        Read fromName = read("dir/lot7_w3.stdf.gz", bare, NO_BLOCKING);
        assertOnlyIssue(fromName, StdfRules.NO_WAFER_RECORD, Severity.LOW);
        assertThat(fromName.parts())
                .singleElement()
                .satisfies(p -> assertThat(p.waferId()).isEqualTo("lot7_w3"));
    }

    @Test
    void unitsThatDoNotConvertAreOneIssueAndNullValues() throws IOException {
        byte[] f = wafer(w -> {
            for (String id : new String[] {"A", "B"}) {
                w.pir(new Pir(1, 0));
                w.ptr(new Ptr(100, 1, 0, 0, 0, 1.1f, "VDD", "", LIMITS, "A"));
                w.prr(new Prr(1, 0, 0, 1, 1, 1, id.charAt(0), 1, 100, id, ""));
            }
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.UNIT_MISMATCH, Severity.HIGH);
        assertThat(read.issues().get(0).field()).isEqualTo("vdd");
        assertThat(read.parts())
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.fields().get("vdd")).isNull());
    }

    @Test
    void aPrrWithoutCoordinatesQuarantinesItsPart() throws IOException {
        byte[] f = wafer(w -> {
            part(w, 0, "A", 1, 1, 1.1f);
            part(w, 0, "B", Prr.MISSING_COORDINATE, 4, 1.2f);
        });
        Read read = read("f.stdf", f, NO_BLOCKING);
        assertOnlyIssue(read, StdfRules.MISSING_COORDINATES, Severity.HIGH);
        assertThat(read.issues().get(0).field()).isEqualTo("die_x");
        assertThat(read.parts()).extracting(StdfPart::deviceId).containsExactly("A");
    }

    @Test
    void everyRuleHasASeverityAndARecommendation() {
        assertThat(StdfRules.all()).hasSize(11).allSatisfy(rule -> {
            assertThat(rule).startsWith("stdf_");
            assertThat(StdfRules.severity(rule)).isNotNull();
            assertThat(StdfRules.recommendation(rule)).isNotBlank();
        });
    }

    @Test
    void anIssueBecomesAViolationNamingTheFileAndOffset() {
        StdfIssue issue = new StdfIssue(
                StdfRules.TRUNCATED, Severity.CRITICAL, "a.stdf", 1234, null, null, "", "cut", "W1", "L1", null, null);
        Violation v = issue.toViolation(99);
        assertThat(v.rule).isEqualTo(StdfRules.TRUNCATED);
        assertThat(v.severity).isEqualTo(Severity.CRITICAL);
        assertThat(v.value).isEqualTo("a.stdf@1234: cut");
        assertThat(v.expected).isEqualTo(StdfRules.recommendation(StdfRules.TRUNCATED));
        assertThat(v.waferId).isEqualTo("W1");
        assertThat(v.lotId).isEqualTo("L1");
        assertThat(v.observedAt).isEqualTo(99);
        assertThat(v.quarantined).isTrue();
        assertThat(v.field).isEmpty();
    }
}
