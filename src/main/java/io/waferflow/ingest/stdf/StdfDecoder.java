package io.waferflow.ingest.stdf;

import java.util.List;

/** Decodes a raw record's body into its typed record; fields omitted at the end take the specification's defaults. */
public final class StdfDecoder {

    private StdfDecoder() {}

    public static StdfData decode(StdfRecord r) {
        StdfFields f = r.fields();
        return switch (r.type() << 8 | r.subtype()) {
            case 0 << 8 | 10 -> new Far(f.u1(), f.u1());
            case 1 << 8 | 10 ->
                new Mir(
                        f.u4(), f.u4(), f.u1(), f.c1(), f.c1(), f.c1(), f.u2(), f.c1(), f.cn(), f.cn(), f.cn(), f.cn(),
                        f.cn(), f.cn(), f.cn(), f.cn(), f.cn(), f.cn(), f.cn(), f.cn());
            case 2 << 8 | 10 -> new Wir(f.u1(), f.u1(255), f.u4(), f.cn());
            case 2 << 8 | 20 ->
                new Wrr(
                        f.u1(),
                        f.u1(255),
                        f.u4(),
                        f.u4(),
                        f.u4(Wrr.MISSING_COUNT),
                        f.u4(Wrr.MISSING_COUNT),
                        f.u4(Wrr.MISSING_COUNT),
                        f.u4(Wrr.MISSING_COUNT),
                        f.cn());
            case 5 << 8 | 10 -> new Pir(f.u1(), f.u1());
            case 5 << 8 | 20 ->
                new Prr(
                        f.u1(),
                        f.u1(),
                        f.u1(),
                        f.u2(),
                        f.u2(),
                        f.u2(Prr.MISSING_BIN),
                        f.i2(Prr.MISSING_COORDINATE),
                        f.i2(Prr.MISSING_COORDINATE),
                        f.u4(),
                        f.cn(),
                        f.cn());
            case 15 << 8 | 10 -> ptr(f);
            case 15 << 8 | 15 -> mpr(f);
            case 15 << 8 | 20 -> ftr(f);
            case 0 << 8 | 30 -> vur(r.body(), f);
            case 1 << 8 | 90 -> psr(f);
            case 1 << 8 | 91 -> nmr(f);
            case 1 << 8 | 92 -> new Cnr(f.u2(), f.u4(), f.sn());
            case 1 << 8 | 93 -> ssr(f);
            case 1 << 8 | 94 -> cdr(f);
            case 15 << 8 | 30 -> str(f);
            default -> new Unknown(r);
        };
    }

    private static Ptr ptr(StdfFields f) {
        long testNumber = f.u4();
        int head = f.u1();
        int site = f.u1();
        int testFlags = f.u1();
        int parmFlags = f.u1();
        float result = f.r4(0f);
        String text = f.cn();
        String alarm = f.cn();
        Limits limits = Limits.read(f);
        String units = f.cn();
        return new Ptr(testNumber, head, site, testFlags, parmFlags, result, text, alarm, limits, units);
    }

    private static Mpr mpr(StdfFields f) {
        long testNumber = f.u4();
        int head = f.u1();
        int site = f.u1();
        int testFlags = f.u1();
        int parmFlags = f.u1();
        int returnCount = f.u2();
        int resultCount = f.u2();
        var states = f.n1Array(returnCount);
        var results = f.r4Array(resultCount);
        String text = f.cn();
        String alarm = f.cn();
        Limits limits = Limits.read(f);
        float startIn = f.r4(0f);
        float increment = f.r4(0f);
        var pins = f.u2Array(returnCount);
        String units = f.cn();
        return new Mpr(
                testNumber,
                head,
                site,
                testFlags,
                parmFlags,
                states,
                results,
                text,
                alarm,
                limits,
                startIn,
                increment,
                pins,
                units);
    }

    private static Ftr ftr(StdfFields f) {
        long testNumber = f.u4();
        int head = f.u1();
        int site = f.u1();
        int testFlags = f.u1();
        int opt = f.u1(255);
        long cycles = f.u4();
        long relAddr = f.u4();
        long repeats = f.u4();
        long fails = f.u4();
        int xFail = f.i4(0);
        int yFail = f.i4(0);
        int vectOff = f.i2(0);
        int returnCount = f.u2();
        int programCount = f.u2();
        var rtnIndex = f.u2Array(returnCount);
        var rtnStat = f.n1Array(returnCount);
        var pgmIndex = f.u2Array(programCount);
        var pgmStat = f.n1Array(programCount);
        return new Ftr(
                testNumber,
                head,
                site,
                testFlags,
                opt,
                cycles,
                relAddr,
                repeats,
                fails,
                xFail,
                yFail,
                vectOff,
                rtnIndex,
                rtnStat,
                pgmIndex,
                pgmStat,
                f.dn(),
                f.cn(),
                f.cn(),
                f.cn(),
                f.cn());
    }

    /** One Cn (the V4-2007 document) when the body is exactly that, else a U1 count and that many Cn. */
    private static Vur vur(byte[] body, StdfFields f) {
        if (body.length > 0 && body.length == 1 + (body[0] & 0xFF)) {
            return new Vur(List.of(f.cn()));
        }
        return new Vur(f.cnArray(f.u1()));
    }

    private static Psr psr(StdfFields f) {
        int cont = f.u1();
        int index = f.u2();
        String name = f.cn();
        int opt = f.u1();
        int total = f.u2();
        int local = f.u2();
        List<Long> begin = f.u8Array(local);
        List<Long> end = f.u8Array(local);
        return new Psr(cont, index, name, opt, total, begin, end, f.cnArray(local));
    }

    private static Nmr nmr(StdfFields f) {
        int cont = f.u1();
        int total = f.u2();
        int local = f.u2();
        List<Integer> pins = f.u2Array(local);
        return new Nmr(cont, total, pins, f.cnArray(local));
    }

    private static Ssr ssr(StdfFields f) {
        String name = f.cn();
        return new Ssr(name, f.u2Array(f.u2()));
    }

    private static Cdr cdr(StdfFields f) {
        int cont = f.u1();
        int index = f.u2();
        String chain = f.cn();
        long length = f.u4();
        int scanIn = f.u2();
        int scanOut = f.u2();
        List<Integer> masters = f.u2Array(f.u1());
        List<Integer> slaves = f.u2Array(f.u1());
        int inversion = f.u1();
        return new Cdr(cont, index, chain, length, scanIn, scanOut, masters, slaves, inversion, f.snArray(f.u2()));
    }

    private static Str str(StdfFields f) {
        return new Str(
                f.u1(), f.u4(), f.u1(), f.u1(), f.u2(), f.u1(), f.cn(), f.cn(), f.cn(), f.cn(), f.cn(), f.u1(), f.u1(),
                f.dn(), f.dn(), f.u8(0), f.u4(), f.u4(), f.u8(0), f.u4());
    }
}
