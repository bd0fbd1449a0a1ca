package io.waferflow.local.stdf;

import io.waferflow.ingest.stdf.Cdr;
import io.waferflow.ingest.stdf.Cnr;
import io.waferflow.ingest.stdf.Ftr;
import io.waferflow.ingest.stdf.Limits;
import io.waferflow.ingest.stdf.Mir;
import io.waferflow.ingest.stdf.Mpr;
import io.waferflow.ingest.stdf.Nmr;
import io.waferflow.ingest.stdf.Pir;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Psr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.Ssr;
import io.waferflow.ingest.stdf.Str;
import io.waferflow.ingest.stdf.Vur;
import io.waferflow.ingest.stdf.Wir;
import io.waferflow.ingest.stdf.Wrr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

/**
 * A small STDF V4 writer for tests and benchmarks (synthetic tester files), written from the specification
 * independently of the reader: a header (REC_LEN U2, REC_TYP U1, REC_SUB U1) and the body in the chosen byte order. The
 * FAR is written first, with the CPU_TYPE of that order. {@link #record} writes any type (unknown ones, or bodies cut
 * short to test omitted trailing fields).
 */
public final class StdfWriter {

    private final OutputStream out;
    private final ByteOrder order;

    public StdfWriter(OutputStream out, ByteOrder order) {
        this.out = out;
        this.order = order;
        record(0, 10, body().u1(order == ByteOrder.BIG_ENDIAN ? 1 : 2).u1(4));
    }

    public Body body() {
        return new Body(order == ByteOrder.LITTLE_ENDIAN);
    }

    public StdfWriter record(int type, int subtype, Body body) {
        byte[] b = body.bytes.toByteArray();
        try {
            out.write(body().u2(b.length).u1(type).u1(subtype).bytes.toByteArray());
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StdfWriter mir(Mir m) {
        return record(
                1,
                10,
                body().u4(m.setupTime())
                        .u4(m.startTime())
                        .u1(m.stationNumber())
                        .c1(m.modeCode())
                        .c1(m.retestCode())
                        .c1(m.protectionCode())
                        .u2(m.burnInTime())
                        .c1(m.commandModeCode())
                        .cn(m.lotId())
                        .cn(m.partType())
                        .cn(m.nodeName())
                        .cn(m.testerType())
                        .cn(m.jobName())
                        .cn(m.jobRevision())
                        .cn(m.sublotId())
                        .cn(m.operatorName())
                        .cn(m.execType())
                        .cn(m.execVersion())
                        .cn(m.testCode())
                        .cn(m.testTemperature()));
    }

    public StdfWriter wir(Wir w) {
        return record(
                2, 10, body().u1(w.head()).u1(w.siteGroup()).u4(w.startTime()).cn(w.waferId()));
    }

    public StdfWriter wrr(Wrr w) {
        return record(
                2,
                20,
                body().u1(w.head())
                        .u1(w.siteGroup())
                        .u4(w.finishTime())
                        .u4(w.partCount())
                        .u4(w.retestCount())
                        .u4(w.abortCount())
                        .u4(w.goodCount())
                        .u4(w.functionalCount())
                        .cn(w.waferId()));
    }

    public StdfWriter pir(Pir p) {
        return record(5, 10, body().u1(p.head()).u1(p.site()));
    }

    public StdfWriter prr(Prr p) {
        return record(
                5,
                20,
                body().u1(p.head())
                        .u1(p.site())
                        .u1(p.partFlag())
                        .u2(p.testCount())
                        .u2(p.hardBin())
                        .u2(p.softBin())
                        .u2(p.x())
                        .u2(p.y())
                        .u4(p.testTimeMillis())
                        .cn(p.partId())
                        .cn(p.partText()));
    }

    /** Without OPT_FLAG (null) the record ends after ALARM_ID, as the specification allows. */
    public StdfWriter ptr(Ptr p) {
        Body b = body().u4(p.testNumber())
                .u1(p.head())
                .u1(p.site())
                .u1(p.testFlags())
                .u1(p.parmFlags())
                .r4(p.result())
                .cn(p.testText())
                .cn(p.alarmId());
        if (p.limits().optFlag() != null) {
            b.limits(p.limits()).cn(p.units());
        }
        return record(15, 10, b);
    }

    public StdfWriter mpr(Mpr m) {
        Body b = body().u4(m.testNumber())
                .u1(m.head())
                .u1(m.site())
                .u1(m.testFlags())
                .u1(m.parmFlags())
                .u2(m.returnStates().size())
                .u2(m.results().size())
                .n1(m.returnStates());
        m.results().forEach(b::r4);
        b.cn(m.testText()).cn(m.alarmId());
        if (m.limits().optFlag() != null) {
            b.limits(m.limits()).r4(m.startInput()).r4(m.inputIncrement());
            m.pinIndexes().forEach(b::u2);
            b.cn(m.units());
        }
        return record(15, 15, b);
    }

    public StdfWriter ftr(Ftr f) {
        Body b = body().u4(f.testNumber())
                .u1(f.head())
                .u1(f.site())
                .u1(f.testFlags())
                .u1(f.optFlag())
                .u4(f.cycleCount())
                .u4(f.relativeVectorAddress())
                .u4(f.repeatCount())
                .u4(f.failCount())
                .u4(f.xFailAddress())
                .u4(f.yFailAddress())
                .u2(f.vectorOffset())
                .u2(f.returnIndexes().size())
                .u2(f.programIndexes().size());
        f.returnIndexes().forEach(b::u2);
        b.n1(f.returnStates());
        f.programIndexes().forEach(b::u2);
        b.n1(f.programStates())
                .dn(f.failingPins())
                .cn(f.vectorName())
                .cn(f.timeSet())
                .cn(f.opCode())
                .cn(f.testText());
        return record(15, 20, b);
    }

    /** One name: a single Cn, as the V4-2007 document lays it out; several: a U1 count and that many Cn. */
    public StdfWriter vur(Vur v) {
        Body b = body();
        if (v.updateNames().size() == 1) {
            b.cn(v.updateNames().get(0));
        } else {
            b.u1(v.updateNames().size());
            v.updateNames().forEach(b::cn);
        }
        return record(0, 30, b);
    }

    /** Up to PAT_FILE: the optional arrays after it are left out. */
    public StdfWriter psr(Psr p) {
        Body b = body().u1(p.continuation())
                .u2(p.index())
                .cn(p.name())
                .u1(p.optFlag())
                .u2(p.totalCount())
                .u2(p.patternBegin().size());
        p.patternBegin().forEach(b::u8);
        p.patternEnd().forEach(b::u8);
        p.patternFiles().forEach(b::cn);
        return record(1, 90, b);
    }

    public StdfWriter nmr(Nmr n) {
        Body b =
                body().u1(n.continuation()).u2(n.totalCount()).u2(n.pmrIndexes().size());
        n.pmrIndexes().forEach(b::u2);
        n.atpgNames().forEach(b::cn);
        return record(1, 91, b);
    }

    public StdfWriter cnr(Cnr c) {
        return record(1, 92, body().u2(c.chainNumber()).u4(c.bitPosition()).sn(c.cellName()));
    }

    public StdfWriter ssr(Ssr s) {
        Body b = body().cn(s.name()).u2(s.chainIndexes().size());
        s.chainIndexes().forEach(b::u2);
        return record(1, 93, b);
    }

    public StdfWriter cdr(Cdr c) {
        Body b = body().u1(c.continuation())
                .u2(c.index())
                .cn(c.chainName())
                .u4(c.chainLength())
                .u2(c.scanInPin())
                .u2(c.scanOutPin())
                .u1(c.masterClocks().size());
        c.masterClocks().forEach(b::u2);
        b.u1(c.slaveClocks().size());
        c.slaveClocks().forEach(b::u2);
        b.u1(c.inversion()).u2(c.cells().size());
        c.cells().forEach(b::sn);
        return record(1, 94, b);
    }

    /**
     * The fields {@link Str} holds, then a complete but empty fail-data tail: COND_CNT and LIM_CNT 0, the nine size
     * fields (CYC_SIZE 4, PMR_SIZE 2, the others 1), CAP_BGN 0 and the twelve array counts 0.
     */
    public StdfWriter str(Str s) {
        Body b = body().u1(s.continuation())
                .u4(s.testNumber())
                .u1(s.head())
                .u1(s.site())
                .u2(s.psrRef())
                .u1(s.testFlags())
                .cn(s.logType())
                .cn(s.testText())
                .cn(s.alarmId())
                .cn(s.programText())
                .cn(s.resultText())
                .u1(s.zValue())
                .u1(s.fmuFlag())
                .dn(s.maskMap())
                .dn(s.failMap())
                .u8(s.cycleCount())
                .u4(s.totalFailCount())
                .u4(s.totalLoggedCount())
                .u8(s.cycleBase())
                .u4(s.bitBase())
                .u2(0)
                .u2(0)
                .u1(4)
                .u1(2);
        for (int i = 0; i < 7; i++) {
            b.u1(1);
        }
        b.u2(0);
        for (int i = 0; i < 12; i++) {
            b.u2(0);
        }
        return record(15, 30, b);
    }

    /**
     * The Master Results Record (1/20) a tester writes last, with FINISH_T only (the rest omitted): a file without it
     * is read as truncated (stdf_truncated).
     */
    public StdfWriter mrr(long finishTime) {
        return record(1, 20, body().u4(finishTime));
    }

    private static float orZero(Float f) {
        return f == null ? 0f : f;
    }

    /** A record body under construction, in the writer's byte order. */
    public static final class Body {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final boolean little;

        Body(boolean little) {
            this.little = little;
        }

        private Body unsigned(long v, int n) {
            for (int i = 0; i < n; i++) {
                int shift = 8 * (little ? i : n - 1 - i);
                bytes.write((int) (v >>> shift) & 0xFF);
            }
            return this;
        }

        public Body u1(int v) {
            return unsigned(v, 1);
        }

        public Body u2(int v) {
            return unsigned(v, 2);
        }

        public Body u4(long v) {
            return unsigned(v, 4);
        }

        public Body u8(long v) {
            return unsigned(v, 8);
        }

        public Body r4(float v) {
            return unsigned(Float.floatToRawIntBits(v), 4);
        }

        public Body r8(double v) {
            return unsigned(Double.doubleToRawLongBits(v), 8);
        }

        public Body c1(char c) {
            return unsigned(c, 1);
        }

        /** The OPT_FLAG block; an invalid (null) limit is written as 0, as OPT_FLAG says to ignore it. */
        public Body limits(Limits l) {
            return u1(l.optFlag())
                    .u1(l.resultScale())
                    .u1(l.lowLimitScale())
                    .u1(l.highLimitScale())
                    .r4(orZero(l.lowLimit()))
                    .r4(orZero(l.highLimit()));
        }

        public Body cn(String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            u1(b.length);
            bytes.writeBytes(b);
            return this;
        }

        /** Sn (V4-2007): a U2 length and the characters. */
        public Body sn(String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            u2(b.length);
            bytes.writeBytes(b);
            return this;
        }

        /** N1 nibbles, two a byte, the first in the low four bits. */
        public Body n1(List<Integer> nibbles) {
            for (int i = 0; i < nibbles.size(); i += 2) {
                int hi = i + 1 < nibbles.size() ? nibbles.get(i + 1) : 0;
                u1(nibbles.get(i) & 0x0F | hi << 4);
            }
            return this;
        }

        /** Dn: the bit count (the set's length) and the bits, the first in the low bit of the first byte. */
        public Body dn(BitSet bits) {
            int n = bits.length();
            u2(n);
            byte[] b = bits.toByteArray();
            bytes.writeBytes(b);
            for (int i = b.length; i < (n + 7) / 8; i++) {
                bytes.write(0);
            }
            return this;
        }
    }
}
