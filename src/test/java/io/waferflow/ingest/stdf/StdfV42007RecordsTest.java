package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.ingest.stdf.StdfFiles.Compression;
import io.waferflow.ingest.stdf.StdfFiles.ReadResult;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The V4-2007 additions (scan test data): written by StdfWriter, read back field by field in both byte orders. */
class StdfV42007RecordsTest {

    static final Vur VUR = new Vur(List.of("V4-2007"));
    static final Psr PSR = new Psr(
            0,
            3,
            "scan_seq",
            0x01,
            2,
            List.of(0L, 5_000_000_000L),
            List.of(4_999_999L, 9_000_000_000L),
            List.of("scan_a.stil", "scan_b.stil"));
    static final Nmr NMR = new Nmr(1, 4, List.of(7, 8), List.of("si_0", "so_0"));
    static final Cnr CNR = new Cnr(2, 70_000, "core/u_alu/reg_q" + "x".repeat(300));
    static final Ssr SSR = new Ssr("ss_core", List.of(1, 2, 3));
    static final Cdr CDR =
            new Cdr(0, 2, "chain_2", 1_024, 7, 8, List.of(11), List.of(12, 13), 1, List.of("cell_0", "cell_1", ""));
    static final Str STR = new Str(
            0,
            4_001,
            1,
            3,
            3,
            0x80,
            "FailLog",
            "scan_stuck_at",
            "",
            "prog",
            "result",
            1,
            0x03,
            bits(0, 5),
            bits(2),
            6_000_000_000L,
            12,
            10,
            1_000L,
            64);

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void everyV42007RecordRoundTrips(Order order) throws Exception {
        byte[] file = StdfFiles.write(
                order.order,
                Compression.NONE,
                w -> w.vur(VUR).psr(PSR).nmr(NMR).cnr(CNR).ssr(SSR).cdr(CDR).str(STR));

        ReadResult read = StdfFiles.readAll(file);

        assertThat(read.error()).isNull();
        List<StdfData> decoded =
                read.records().stream().skip(1).map(StdfDecoder::decode).toList();
        assertThat(decoded).containsExactly(VUR, PSR, NMR, CNR, SSR, CDR, STR);
        Str str = (Str) decoded.get(6);
        assertThat(str.passed()).isFalse();
        assertThat(str.cycleCount()).isEqualTo(6_000_000_000L); // a U8 beyond 32 bits
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void aVurWithACountAndSeveralNamesIsReadToo(Order order) throws Exception {
        byte[] file = StdfFiles.write(
                order.order,
                Compression.NONE,
                w -> w.vur(new Vur(List.of("V4-2007", "Scan:2007.1")))
                        .record(0, 30, w.body().u1(1).cn("V4-2007")));

        List<StdfData> decoded = StdfFiles.readAll(file).records().stream()
                .skip(1)
                .map(StdfDecoder::decode)
                .toList();

        assertThat(decoded).containsExactly(new Vur(List.of("V4-2007", "Scan:2007.1")), new Vur(List.of("V4-2007")));
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void anStrCutShortTakesTheMissingValuesAndNeverThrows(Order order) throws Exception {
        byte[] full = StdfFiles.write(order.order, Compression.NONE, w -> w.str(STR));
        StdfRecord str = StdfFiles.readAll(full).records().get(1);
        // Cut the body after TEST_FLG: head, site and number stay, the texts and counts take the missing values.
        byte[] head = java.util.Arrays.copyOf(str.body(), 10);

        StdfData cut = StdfDecoder.decode(new StdfRecord(15, 30, str.offset(), head, order.order));

        assertThat(cut)
                .isEqualTo(new Str(
                        0, 4_001, 1, 3, 3, 0x80, "", "", "", "", "", 0, 0, new BitSet(), new BitSet(), 0, 0, 0, 0, 0));
        for (int len = 0; len <= str.body().length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(str.body(), len);
            assertThat(StdfDecoder.decode(new StdfRecord(15, 30, 0, prefix, order.order)))
                    .isInstanceOf(Str.class);
        }
    }

    enum Order {
        BIG(ByteOrder.BIG_ENDIAN),
        LITTLE(ByteOrder.LITTLE_ENDIAN);

        final ByteOrder order;

        Order(ByteOrder order) {
            this.order = order;
        }
    }
}
