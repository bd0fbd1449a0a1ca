package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfFiles.ReadResult;
import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StdfReaderTest {

    static Stream<Arguments> ordersAndCompressions() {
        return Stream.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)
                .flatMap(o -> Arrays.stream(Compression.values()).map(c -> Arguments.of(o, c)));
    }

    @ParameterizedTest
    @MethodSource("ordersAndCompressions")
    void everyRecordRoundTripsFieldByField(ByteOrder order, Compression compression) throws Exception {
        ReadResult read = StdfFiles.readAll(StdfFiles.sample(order, compression));

        assertThat(read.error()).isNull();
        List<StdfData> decoded =
                read.records().stream().map(StdfDecoder::decode).toList();
        assertThat(decoded.get(0)).isEqualTo(new Far(order == ByteOrder.BIG_ENDIAN ? 1 : 2, 4));
        assertThat(decoded.get(3)).isInstanceOfSatisfying(Unknown.class, u -> {
            assertThat(u.raw().type()).isEqualTo(50);
            assertThat(u.raw().subtype()).isEqualTo(30);
            assertThat(u.raw().body()).containsExactly(1, 2, 3);
        });
        List<StdfData> known =
                decoded.stream().skip(1).filter(d -> !(d instanceof Unknown)).toList();
        assertThat(known).containsExactlyElementsOf(StdfFiles.SAMPLE);
        assertThat(read.records()).allSatisfy(r -> assertThat(r.order()).isEqualTo(order));
    }

    @Test
    void offsetsAreThoseOfTheUncompressedStream() throws Exception {
        byte[] plain = StdfFiles.sample(ByteOrder.LITTLE_ENDIAN, Compression.NONE);
        List<StdfRecord> records = StdfFiles.readAll(plain).records();
        long expected = 0;
        for (StdfRecord r : records) {
            assertThat(r.offset()).isEqualTo(expected);
            expected += 4 + r.body().length;
        }
        assertThat(expected).isEqualTo(plain.length);
        List<Long> gzOffsets =
                StdfFiles.readAll(StdfFiles.sample(ByteOrder.LITTLE_ENDIAN, Compression.GZIP)).records().stream()
                        .map(StdfRecord::offset)
                        .toList();
        assertThat(gzOffsets).isEqualTo(records.stream().map(StdfRecord::offset).toList());
    }

    @Test
    void derivedFlagsFollowTheSpecification() {
        assertThat(StdfFiles.PRR.passed()).isFalse(); // PART_FLG bit 3
        assertThat(new Prr(1, 1, 0, 0, 1, 1, 0, 0, 0, "", "").passed()).isTrue();
        assertThat(new Prr(1, 1, 0x18, 0, 1, 1, 0, 0, 0, "", "").passed()).isNull(); // bit 4: no indication
        assertThat(StdfFiles.PTR_WITHOUT_LIMITS.passed()).isFalse();
        assertThat(StdfFiles.PTR_NO_LOW_LIMIT.resultValid()).isFalse(); // TEST_FLG bit 1
        assertThat(StdfFiles.PTR_WITH_LIMITS.resultValid()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("ordersAndCompressions")
    void omittedTrailingFieldsTakeTheDefaults(ByteOrder order, Compression compression) throws Exception {
        byte[] file = StdfFiles.write(order, compression, w -> {
            w.record(5, 20, w.body().u1(1).u1(3).u1(0).u2(10).u2(1)); // PRR up to HARD_BIN
            w.record(2, 20, w.body().u1(2)); // WRR: HEAD_NUM only
            w.record(15, 10, w.body().u4(9).u1(1).u1(3).u1(0).u1(0).r4(2.5f)); // PTR up to RESULT
            w.record(15, 20, w.body().u4(9).u1(1).u1(3)); // FTR up to SITE_NUM
            w.record(1, 10, w.body().u4(5).u4(6).u1(1).c1('P')); // MIR cut after MODE_COD
            w.record(15, 10, w.body().u4(9).u1(1).u1(3).u1(0).u1(0).u2(0)); // PTR with RESULT cut mid-field
        });
        List<StdfData> d = StdfFiles.readAll(file).records().stream()
                .skip(1)
                .map(StdfDecoder::decode)
                .toList();

        assertThat(d.get(0)).isEqualTo(new Prr(1, 3, 0, 10, 1, 65535, -32768, -32768, 0, "", ""));
        assertThat(d.get(1)).isEqualTo(new Wrr(2, 255, 0, 0, 4294967295L, 4294967295L, 4294967295L, 4294967295L, ""));
        assertThat(d.get(2)).isEqualTo(new Ptr(9, 1, 3, 0, 0, 2.5f, "", "", Limits.OMITTED, ""));
        assertThat(d.get(3))
                .isEqualTo(new Ftr(
                        9,
                        1,
                        3,
                        0,
                        255,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        new java.util.BitSet(),
                        "",
                        "",
                        "",
                        ""));
        assertThat(d.get(4))
                .isEqualTo(new Mir(5, 6, 1, 'P', ' ', ' ', 0, ' ', "", "", "", "", "", "", "", "", "", "", "", ""));
        assertThat(d.get(5)).isEqualTo(new Ptr(9, 1, 3, 0, 0, 0f, "", "", Limits.OMITTED, ""));
    }

    @ParameterizedTest
    @MethodSource("ordersAndCompressions")
    void aTruncatedFileGivesTheRecordsBeforeTheCutAndTheOffset(ByteOrder order, Compression compression)
            throws Exception {
        byte[] plain = StdfFiles.sample(order, Compression.NONE);
        List<StdfRecord> all = StdfFiles.readAll(plain).records();
        StdfRecord cut = all.get(6); // a PTR: cut two bytes into its body
        int length = (int) cut.offset() + 4 + 2;
        byte[] truncated = compress(Arrays.copyOf(plain, length), compression);

        ReadResult read = StdfFiles.readAll(truncated);
        assertThat(read.records()).hasSize(6);
        assertThat(read.records().stream().map(StdfRecord::offset).toList())
                .isEqualTo(all.subList(0, 6).stream().map(StdfRecord::offset).toList());
        assertThat(read.error()).isNotNull();
        assertThat(read.error().offset()).isEqualTo(cut.offset());
        assertThat(read.error().getMessage()).contains("byte offset " + cut.offset());
    }

    @Test
    void aCutHeaderIsNamedAndTheReaderThenEnds() throws Exception {
        byte[] plain = StdfFiles.sample(ByteOrder.BIG_ENDIAN, Compression.NONE);
        byte[] truncated = Arrays.copyOf(plain, 6 + 3); // FAR, then 3 bytes of the MIR's header
        try (StdfReader reader = StdfReader.open(new ByteArrayInputStream(truncated))) {
            assertThat(reader.next().type()).isZero();
            StdfFormatException e =
                    org.junit.jupiter.api.Assertions.assertThrows(StdfFormatException.class, reader::next);
            assertThat(e.offset()).isEqualTo(6);
            assertThat(e.getMessage()).contains("truncated record header");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aFileThatDoesNotStartWithAFarIsRefused() throws Exception {
        ReadResult text = StdfFiles.readAll("{\"lot\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(text.records()).isEmpty();
        assertThat(text.error().offset()).isZero();
        // REC_LEN 2 big-endian but CPU_TYPE 2 (little-endian)
        ReadResult contradiction = StdfFiles.readAll(new byte[] {0, 2, 0, 10, 2, 4});
        assertThat(contradiction.error().getMessage()).contains("CPU_TYPE 2");
        assertThat(StdfFiles.readAll(new byte[0]).records()).isEmpty();
    }

    static byte[] compress(byte[] plain, Compression compression) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = switch (compression) {
            case NONE -> bytes;
            case GZIP -> new java.util.zip.GZIPOutputStream(bytes);
            case BZIP2 -> new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(bytes);
        }) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }
}
