package io.waferflow.ingest.stdf;

import io.waferflow.local.stdf.StdfWriter;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic wafer for tests: parts on several sites, written as a multi-site tester does (touchdowns: the PIRs of
 * every site, each test on every site, the PRRs), and the device-test fields each part must read back as, computed here
 * from what was written (never from the reader).
 *
 * <p>Tests: VDD (100, V), IDD (101, written in A: read in mA), FMAX (102, written in Hz: read in MHz), TEMPERATURE
 * (103, C). Only the first PTR of a test carries limits and units; the later ones omit them.
 */
final class StdfWafer {

    static final long MIR_START = 1_790_000_000L;
    static final long WIR_START = 1_790_000_100L;
    static final String LOT = "LOT-7";
    static final String NODE = "tester-9";

    /** One written part; a null result is written flagged invalid (TEST_FLG bit 1). */
    record Part(
            int head,
            int site,
            String partId,
            int x,
            int y,
            int hardBin,
            int softBin,
            boolean passed,
            long testMillis,
            Float vddVolts,
            Float iddAmps,
            Float fmaxHz,
            Float tempC) {}

    final String waferId;
    final List<List<Part>> touchdowns;

    StdfWafer(String waferId, List<List<Part>> touchdowns) {
        this.waferId = waferId;
        this.touchdowns = touchdowns;
    }

    /** A random wafer of {@code touchdowns} touchdowns on {@code sites} sites of head 1; some results invalid. */
    static StdfWafer random(Random r, String waferId, int touchdowns, int sites) {
        List<List<Part>> all = new ArrayList<>();
        int n = 0;
        for (int t = 0; t < touchdowns; t++) {
            List<Part> td = new ArrayList<>();
            for (int s = 0; s < sites; s++) {
                n++;
                boolean passed = r.nextInt(10) > 0;
                td.add(new Part(
                        1,
                        s,
                        waferId + "-P" + n,
                        t,
                        s - 2,
                        passed ? 1 : 2 + r.nextInt(5),
                        passed ? 1 : 10 + r.nextInt(50),
                        passed,
                        20 + r.nextInt(300),
                        r.nextInt(20) == 0 ? null : 1.0f + r.nextInt(4000) / 10000f,
                        r.nextInt(20) == 0 ? null : r.nextInt(2000) / 10000f,
                        r.nextInt(20) == 0 ? null : 1.0e9f + r.nextInt(2000) * 1.0e6f,
                        r.nextInt(20) == 0 ? null : 20f + r.nextInt(100) / 4f));
            }
            all.add(td);
        }
        return new StdfWafer(waferId, all);
    }

    List<Part> parts() {
        return touchdowns.stream().flatMap(List::stream).toList();
    }

    /** MIR, then this wafer (sites in {@code siteOrder}'s shuffled order when given), then the MRR. */
    void write(StdfWriter w, Random siteOrder) {
        w.mir(mir());
        writeWafer(w, siteOrder, null);
        mrr(w);
    }

    /** The Master Results Record (1/20) that ends a file, with FINISH_T only (the rest omitted). */
    static void mrr(StdfWriter w) {
        w.mrr(WIR_START + 7200);
    }

    /**
     * WIR, the touchdowns, WRR. With {@code spans}, each part's byte span is noted (needs {@code position}): the end of
     * its PIR and the end of its PRR in the file, for tests that cut files.
     */
    void writeWafer(StdfWriter w, Random siteOrder, Spans spans) {
        w.wir(new Wir(1, 255, WIR_START, waferId));
        Map<Long, Boolean> defined = new HashMap<>();
        for (List<Part> td : touchdowns) {
            List<Part> order = new ArrayList<>(td);
            shuffle(order, siteOrder);
            for (Part p : order) {
                w.pir(new Pir(p.head(), p.site()));
                if (spans != null) {
                    spans.pirEnd.put(p.partId(), spans.position.getAsLong());
                }
            }
            shuffle(order, siteOrder);
            for (Part p : order) {
                ptr(w, defined, p, 100, "VDD", p.vddVolts(), "V", 1.0f, 1.4f);
            }
            shuffle(order, siteOrder);
            for (Part p : order) {
                ptr(w, defined, p, 101, "IDD", p.iddAmps(), "A", 0f, 0.2f);
                ptr(w, defined, p, 102, "FMAX", p.fmaxHz(), "Hz", 1.0e9f, 3.0e9f);
                ptr(w, defined, p, 103, "TEMPERATURE", p.tempC(), "C", -40f, 125f);
            }
            shuffle(order, siteOrder);
            for (Part p : order) {
                w.prr(new Prr(
                        p.head(),
                        p.site(),
                        p.passed() ? 0 : 0x08,
                        4,
                        p.hardBin(),
                        p.softBin(),
                        p.x(),
                        p.y(),
                        p.testMillis(),
                        p.partId(),
                        ""));
                if (spans != null) {
                    spans.prrEnd.put(p.partId(), spans.position.getAsLong());
                }
            }
        }
        w.wrr(new Wrr(1, 255, WIR_START + 3600, parts().size(), 0, 0, 0, 0, waferId));
    }

    /** Where each part's PIR and PRR end in the file, by part id. */
    static final class Spans {
        final java.util.function.LongSupplier position;
        final Map<String, Long> pirEnd = new HashMap<>();
        final Map<String, Long> prrEnd = new HashMap<>();

        Spans(java.util.function.LongSupplier position) {
            this.position = position;
        }
    }

    static Mir mir() {
        return new Mir(
                MIR_START, MIR_START, 1, 'P', ' ', ' ', 0, ' ', LOT, "prod", NODE, "J750", "job", "r1", "SB1", "op", "",
                "", "", "25");
    }

    private static void shuffle(List<Part> parts, Random r) {
        if (r != null) {
            java.util.Collections.shuffle(parts, r);
        }
    }

    /** The first PTR of a test number carries limits and units; later ones omit the OPT_FLAG block and UNITS. */
    private static void ptr(
            StdfWriter w,
            Map<Long, Boolean> defined,
            Part p,
            long test,
            String name,
            Float v,
            String units,
            float lo,
            float hi) {
        boolean first = defined.putIfAbsent(test, true) == null;
        Limits limits = first ? new Limits(0x0E, 0, 0, 0, lo, hi) : Limits.OMITTED;
        w.ptr(new Ptr(
                test,
                p.head(),
                p.site(),
                v == null ? 0x02 : 0,
                0,
                v == null ? 0f : v,
                first ? name : "",
                "",
                limits,
                first ? units : ""));
    }

    /** The fields each part reads back as, by part id; event times from its site's clock (docs/stdf.md). */
    Map<String, Map<String, Object>> expected(String testerId) {
        Map<Integer, Long> clock = new HashMap<>();
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (List<Part> td : touchdowns) {
            for (Part p : td) {
                long t = clock.merge(
                        p.head() << 8 | p.site(), WIR_START * 1000 + p.testMillis(), (a, b) -> a + p.testMillis());
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("event_time", t);
                f.put("lot_id", LOT);
                f.put("wafer_id", waferId);
                f.put("device_id", p.partId());
                f.put("die_x", p.x());
                f.put("die_y", p.y());
                f.put("test_time_ms", (double) p.testMillis());
                f.put("pass_fail", p.passed() ? 1 : 0);
                f.put("hard_bin", p.hardBin());
                f.put("soft_bin", p.softBin());
                f.put("tester_id", testerId);
                f.put("vdd", decimal(p.vddVolts(), 0));
                f.put("idd", decimal(p.iddAmps(), 3));
                f.put("frequency", decimal(p.fmaxHz(), -6));
                f.put("temperature", decimal(p.tempC(), 0));
                out.put(p.partId(), f);
            }
        }
        return out;
    }

    /** The written R4 as the decimal a tester prints, moved by {@code pointRight} places (a unit prefix). */
    static Double decimal(Float v, int pointRight) {
        return v == null
                ? null
                : new BigDecimal(Float.toString(v)).movePointRight(pointRight).doubleValue();
    }

    static byte[] file(StdfWafer wafer, ByteOrder order, StdfFiles.Compression c, Random siteOrder)
            throws java.io.IOException {
        return StdfFiles.write(order, c, w -> wafer.write(w, siteOrder));
    }
}
