package io.waferflow.ingest.stdf;

import io.waferflow.local.stdf.StdfWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** A sample of every decoded record type, written by {@link StdfWriter}, and helpers to read files back. */
final class StdfFiles {

    enum Compression {
        NONE,
        GZIP,
        BZIP2
    }

    static final Mir MIR = new Mir(
            1_700_000_000L,
            1_700_000_060L,
            3,
            'P',
            ' ',
            '9',
            65535,
            'C',
            "LOT-42",
            "WF-7",
            "tester-node",
            "J750",
            "job",
            "r2",
            "S1",
            "ann",
            "IG-XL",
            "9.0",
            "WFT",
            "25C");
    static final Wir WIR = new Wir(1, 255, 1_700_000_100L, "LOT-42-W03");
    static final Pir PIR = new Pir(1, 2);
    static final Ptr PTR_WITH_LIMITS =
            new Ptr(1001, 1, 2, 0, 0, 1.25f, "vdd_core", "", new Limits(0x02, 0, -3, -3, 1.0f, 1.5f), "V");
    static final Ptr PTR_WITHOUT_LIMITS = new Ptr(1001, 1, 2, 0x80, 0, 1.75f, "vdd_core", "", Limits.OMITTED, "");
    static final Ptr PTR_NO_LOW_LIMIT =
            new Ptr(1002, 1, 2, 0x02, 0, -0.5f, "idd", "a1", new Limits(0x42, 2, 0, 1, null, 3.0e-3f), "A");
    static final Mpr MPR = new Mpr(
            2001,
            1,
            2,
            0,
            0,
            List.of(1, 2, 15),
            List.of(0.1f, -0.2f, 3.5e6f),
            "leak",
            "",
            new Limits(0x02, 0, 0, 0, -1f, 1f),
            0.5f,
            0.25f,
            List.of(7, 8, 9),
            "uA");
    static final Ftr FTR = new Ftr(
            3001,
            1,
            2,
            0x80,
            0,
            12345,
            77,
            1,
            2,
            -4,
            5,
            -6,
            List.of(3, 4),
            List.of(1, 9),
            List.of(11),
            List.of(5),
            pins(0, 3, 10),
            "vec_main",
            "ts1",
            "op",
            "func_scan");
    static final Prr PRR = new Prr(1, 2, 0x08, 4, 7, 107, -12, 34, 1_234, "part-1", "retested");
    static final Wrr WRR = new Wrr(1, 255, 1_700_000_900L, 1, 0, 0, 0, 1, "LOT-42-W03");

    /** The records {@link #sample} writes after the FAR, in order; the unknown record (type 50/30) is not here. */
    static final List<StdfData> SAMPLE =
            List.of(MIR, WIR, PIR, PTR_WITH_LIMITS, PTR_WITHOUT_LIMITS, PTR_NO_LOW_LIMIT, MPR, FTR, PRR, WRR);

    private StdfFiles() {}

    private static BitSet pins(int... bits) {
        BitSet set = new BitSet();
        for (int b : bits) {
            set.set(b);
        }
        return set;
    }

    /** FAR, then SAMPLE with an unknown record 50/30 (body 01 02 03) after the WIR. */
    static byte[] sample(ByteOrder order, Compression compression) throws IOException {
        return write(order, compression, w -> {
            w.mir(MIR).wir(WIR).record(50, 30, w.body().u1(1).u1(2).u1(3));
            w.pir(PIR)
                    .ptr(PTR_WITH_LIMITS)
                    .ptr(PTR_WITHOUT_LIMITS)
                    .ptr(PTR_NO_LOW_LIMIT)
                    .mpr(MPR)
                    .ftr(FTR);
            w.prr(PRR).wrr(WRR);
        });
    }

    static byte[] write(ByteOrder order, Compression compression, Consumer<StdfWriter> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (compression) {
            case NONE -> bytes;
            case GZIP -> new GZIPOutputStream(bytes);
            case BZIP2 -> new BZip2CompressorOutputStream(bytes);
        }) {
            records.accept(new StdfWriter(out, order));
        }
        return bytes.toByteArray();
    }

    /** What a reader returns: the records, and the error that ended the stream (null at a clean end). */
    record ReadResult(List<StdfRecord> records, StdfFormatException error) {}

    static ReadResult readAll(byte[] file) throws IOException {
        List<StdfRecord> records = new ArrayList<>();
        try (StdfReader reader = StdfReader.open(new ByteArrayInputStream(file))) {
            for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
            return new ReadResult(records, null);
        } catch (StdfFormatException e) {
            return new ReadResult(records, e);
        }
    }
}
