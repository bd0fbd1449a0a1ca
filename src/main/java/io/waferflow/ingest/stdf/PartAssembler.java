package io.waferflow.ingest.stdf;

import io.waferflow.config.InputSchema;
import io.waferflow.config.StdfConfig;
import io.waferflow.model.Severity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns one file's records, in file order, into parts and issues: one open part per head/site (PIR…PRR, so interleaved
 * sites never mix), each test's defaults from its first record ({@link TestCatalog}), a wafer per head from its WIR
 * ({@link WaferScope}), an event-time clock per head/site ({@link SiteClock}). Bad data becomes an issue, never an
 * exception. With {@code blockedBy} set, every part that would be published becomes a {@link StdfRules#FILE_BLOCKED}
 * issue instead (the second pass of a blocked file).
 */
final class PartAssembler {

    private final String file;
    private final StdfConfig config;
    private final StdfIssue blockedBy;
    private final Consumer<StdfItem> out;
    private final ReportBuilder report;
    private final TestCatalog tests;
    private final String fileStem;

    private Mir mir;
    private boolean mrrSeen;
    private long end;
    private final Map<Integer, WaferScope> wafers = new HashMap<>();
    private WaferScope lastWafer;
    private int waferSerial;
    private boolean noWaferReported;
    /** Open parts by head/site, in head/site order (so the end of a file reports them deterministically). */
    private final Map<Integer, OpenPart> open = new TreeMap<>();

    private final Map<Integer, SiteClock> clocks = new HashMap<>();
    private final Map<Integer, Skipped> outside = new TreeMap<>();
    private final Map<String, Skipped> unknown = new LinkedHashMap<>();

    /** Records of one kind skipped: how many, the first's offset. */
    private static final class Skipped {
        long count;
        long firstOffset = -1;

        void add(long offset) {
            if (count++ == 0) {
                firstOffset = offset;
            }
        }
    }

    PartAssembler(String file, StdfConfig config, StdfIssue blockedBy, ReportBuilder report, Consumer<StdfItem> out) {
        this.file = file;
        this.config = config;
        this.blockedBy = blockedBy;
        this.report = report;
        this.out = out;
        this.tests = new TestCatalog(config);
        String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
        int dot = name.indexOf('.');
        this.fileStem = dot > 0 ? name.substring(0, dot) : name;
    }

    /** Mapped parameters no test of the file matched (their values are null in every part). */
    java.util.List<String> unmatchedParameters() {
        return tests.unmatched();
    }

    void accept(StdfRecord r) {
        String name = RecordNames.of(r.type(), r.subtype());
        end = r.offset() + 4 + r.body().length;
        report.record(name != null ? name : r.type() + "/" + r.subtype(), end);
        if (r.type() == 1 && r.subtype() == 20) {
            mrrSeen = true; // the MRR: the tester finished the file
        }
        StdfData d;
        try {
            d = StdfDecoder.decode(r);
        } catch (RuntimeException e) {
            // The decoder reads past-the-end fields as omitted and should never throw; if it does, skip the record.
            unknown.computeIfAbsent(RecordNames.shown(r.type(), r.subtype()) + " (undecodable)", k -> new Skipped())
                    .add(r.offset());
            return;
        }
        if (d instanceof Ptr p) {
            ptr(p, r.offset());
        } else if (d instanceof Mpr m) {
            mpr(m, r.offset());
        } else if (d instanceof Ftr f) {
            ftr(f, r.offset());
        } else if (d instanceof Pir p) {
            pir(p, r.offset());
        } else if (d instanceof Prr p) {
            prr(p, r.offset());
        } else if (d instanceof Wir w) {
            wir(w, r.offset());
        } else if (d instanceof Wrr w) {
            wrr(w, r.offset());
        } else if (d instanceof Mir m) {
            mir(m, r.offset());
        } else if (name == null) {
            unknown.computeIfAbsent(r.type() + "/" + r.subtype(), k -> new Skipped())
                    .add(r.offset());
        }
    }

    /** The stream broke at {@code e.offset()}: the issue, then the end of the file as far as it was read. */
    void truncated(StdfFormatException e) {
        issue(StdfRules.TRUNCATED, e.offset(), null, null, "", e.getMessage(), lastWafer);
        finish();
    }

    /**
     * The end of the stream. Without an MRR (the record a tester writes last) it is a truncation too: a file cut at a
     * record boundary, or one still being written, looks whole otherwise.
     */
    void end() {
        if (!mrrSeen) {
            issue(
                    StdfRules.TRUNCATED,
                    end,
                    null,
                    null,
                    "",
                    "the file ends at byte " + end + " without its MRR (1/20), the record a tester writes last: cut"
                            + " at a record boundary, or still being written",
                    lastWafer);
        }
        finish();
    }

    /** Parts left open, and the counted skips. */
    private void finish() {
        for (OpenPart p : open.values()) {
            withoutPrr(p, "the file ended first");
        }
        open.clear();
        outside.forEach((key, s) -> issue(
                StdfRules.RESULT_OUTSIDE_PART,
                s.firstOffset,
                key >> 8,
                key & 0xFF,
                "",
                s.count + " result or PRR record(s) on head " + (key >> 8) + " site " + (key & 0xFF)
                        + " outside a PIR…PRR pair were skipped",
                wafers.getOrDefault(key >> 8, lastWafer)));
        unknown.forEach((type, s) -> issue(
                StdfRules.UNKNOWN_RECORD,
                s.firstOffset,
                null,
                null,
                "",
                s.count + " record(s) of type " + type + " were skipped",
                lastWafer));
    }

    private void mir(Mir m, long offset) {
        if (mir != null && !mir.lotId().equals(m.lotId())) {
            issue(
                    StdfRules.INCONSISTENT_WAFER,
                    offset,
                    null,
                    null,
                    InputSchema.LOT_ID,
                    "a second MIR names lot '" + m.lotId() + "', the first '" + mir.lotId() + "'",
                    lastWafer);
            return; // the first MIR keeps the file's lot
        }
        mir = m;
    }

    private void wir(Wir w, long offset) {
        String waferId = w.waferId().isEmpty() ? fallbackWaferId(offset, w.head()) : w.waferId();
        long start = (w.startTime() != 0 ? w.startTime() : mirStart()) * 1000L;
        WaferScope scope = new WaferScope(++waferSerial, waferId, lotId(), start, offset);
        wafers.put(w.head(), scope);
        lastWafer = scope;
        report.wafer(waferId);
    }

    private void wrr(Wrr w, long offset) {
        WaferScope scope = wafers.getOrDefault(w.head(), lastWafer);
        if (scope != null && !w.waferId().isEmpty() && !w.waferId().equals(scope.waferId)) {
            issue(
                    StdfRules.INCONSISTENT_WAFER,
                    offset,
                    w.head(),
                    null,
                    InputSchema.WAFER_ID,
                    "the WRR names wafer '" + w.waferId() + "' but its parts were read as wafer '" + scope.waferId
                            + "' (WIR at byte " + scope.offset + ")",
                    scope);
        }
    }

    private void pir(Pir p, long offset) {
        int key = key(p.head(), p.site());
        OpenPart previous = open.remove(key);
        if (previous != null) {
            withoutPrr(previous, "the next PIR on its head/site came first (byte " + offset + ")");
        }
        open.put(key, new OpenPart(p.head(), p.site(), offset, waferFor(p.head(), offset), mappedParameters()));
    }

    private void ptr(Ptr p, long offset) {
        OpenPart part = partFor(p.head(), p.site(), offset);
        if (part == null) {
            return;
        }
        TestDefaults t = tests.parametric(p.testNumber());
        if (t == null) {
            t = tests.defineParametric(p.testNumber(), p.testText(), p.limits(), p.units());
            defined(t, offset, part);
        }
        if (t.field == null) {
            return;
        }
        Integer exponent = exponent(t, p.units(), offset, part);
        boolean valid = p.resultValid() && exponent != null;
        part.put(t.field, valid ? UnitScale.scaled(p.result(), exponent) : null);
    }

    private void mpr(Mpr m, long offset) {
        OpenPart part = partFor(m.head(), m.site(), offset);
        if (part == null) {
            return;
        }
        TestDefaults t = tests.parametric(m.testNumber());
        if (t == null) {
            t = tests.defineParametric(m.testNumber(), m.testText(), m.limits(), m.units());
            defined(t, offset, part);
        }
        if (t.field == null) {
            return;
        }
        Integer exponent = exponent(t, m.units(), offset, part);
        boolean valid = (m.testFlags() & 0x12) == 0 && exponent != null;
        part.put(t.field, valid ? mprValue(m.results(), t.mapping == null ? null : t.mapping.pin(), exponent) : null);
    }

    /** The result at {@code pin}, or the mean of the finite results; null when there is none. */
    private static Double mprValue(List<Float> results, Integer pin, int exponent) {
        if (pin != null) {
            if (pin >= results.size() || !Float.isFinite(results.get(pin))) {
                return null;
            }
            return UnitScale.scaled(results.get(pin), exponent);
        }
        double sum = 0;
        int n = 0;
        for (float r : results) {
            if (Float.isFinite(r)) {
                sum += UnitScale.scaled(r, exponent);
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private void ftr(Ftr f, long offset) {
        OpenPart part = partFor(f.head(), f.site(), offset);
        if (part == null) {
            return;
        }
        TestDefaults t = tests.functional(f.testNumber());
        if (t == null) {
            t = tests.defineFunctional(f.testNumber(), f.testText());
        }
        if (t.field == null) {
            return;
        }
        Boolean passed = (f.testFlags() & 0x12) == 0 ? f.passed() : null;
        part.put(t.field, passed == null ? null : passed ? 1.0 : 0.0);
    }

    private void prr(Prr p, long offset) {
        OpenPart part = open.remove(key(p.head(), p.site()));
        if (part == null) {
            outside.computeIfAbsent(key(p.head(), p.site()), k -> new Skipped()).add(offset);
            return;
        }
        report.part(p.head(), p.site(), p.passed());
        WaferScope wafer = part.wafer;
        long eventTime = clocks.computeIfAbsent(key(p.head(), p.site()), k -> new SiteClock())
                .after(wafer, p.testTimeMillis());
        String deviceId = p.partId().isEmpty() ? "x" + p.x() + "y" + p.y() : p.partId();
        if (p.x() == Prr.MISSING_COORDINATE || p.y() == Prr.MISSING_COORDINATE) {
            quarantine(
                    StdfRules.MISSING_COORDINATES,
                    offset,
                    p,
                    p.x() == Prr.MISSING_COORDINATE ? InputSchema.DIE_X : InputSchema.DIE_Y,
                    "part '" + deviceId + "' has no die " + (p.x() == Prr.MISSING_COORDINATE ? "X" : "Y")
                            + " in its PRR",
                    wafer,
                    deviceId,
                    eventTime);
            return;
        }
        if (!p.partId().isEmpty() && !wafer.firstPart(p.partId())) {
            quarantine(
                    StdfRules.DUPLICATE_PART,
                    offset,
                    p,
                    InputSchema.DEVICE_ID,
                    "part id '" + deviceId + "' was already seen on wafer '" + wafer.waferId + "'",
                    wafer,
                    deviceId,
                    eventTime);
            return;
        }
        LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
        fields.put(InputSchema.EVENT_TIME, eventTime);
        fields.put(InputSchema.LOT_ID, wafer.lotId);
        fields.put(InputSchema.WAFER_ID, wafer.waferId);
        fields.put(InputSchema.DEVICE_ID, deviceId);
        fields.put(InputSchema.DIE_X, p.x());
        fields.put(InputSchema.DIE_Y, p.y());
        fields.put(InputSchema.TEST_TIME_MS, (double) p.testTimeMillis());
        fields.put(InputSchema.PASS_FAIL, p.passed() == null ? null : p.passed() ? 1 : 0);
        fields.put(InputSchema.HARD_BIN, p.hardBin());
        fields.put(InputSchema.SOFT_BIN, p.softBin() == Prr.MISSING_BIN ? null : p.softBin());
        fields.put(InputSchema.TESTER_ID, testerId(p.head(), p.site()));
        fields.putAll(part.values());
        if (blockedBy != null) {
            quarantine(
                    StdfRules.FILE_BLOCKED,
                    offset,
                    p,
                    "",
                    "part '" + deviceId + "' at (" + p.x() + ", " + p.y() + ") withheld: the file is blocked by "
                            + blockedBy.rule() + " (" + blockedBy.severity() + ") at byte " + blockedBy.offset(),
                    wafer,
                    deviceId,
                    eventTime);
            return;
        }
        report.published();
        out.accept(new StdfPart(fields, offset, p.head(), p.site()));
    }

    /** Issues a new test raises once: no limits, units that do not convert to the mapped unit. */
    private void defined(TestDefaults t, long offset, OpenPart part) {
        if (!t.hasLimits()) {
            issue(
                    StdfRules.TEST_WITHOUT_LIMITS,
                    offset,
                    part.head,
                    part.site,
                    t.field == null ? "" : t.field,
                    t.describe() + " has no limits in its first record",
                    part.wafer);
        }
    }

    /** The power of ten to the target unit, or null (and the issue, once per test) when the units do not convert. */
    private Integer exponent(TestDefaults t, String units, long offset, OpenPart part) {
        Integer e = t.exponentFor(units);
        if (e == null && t.firstMismatch()) {
            issue(
                    StdfRules.UNIT_MISMATCH,
                    offset,
                    part.head,
                    part.site,
                    t.field,
                    t.describe() + " is in '" + t.unitsFor(units) + "', which does not convert to '" + t.targetUnit
                            + "': its values are null",
                    part.wafer);
        }
        return e;
    }

    private OpenPart partFor(int head, int site, long offset) {
        OpenPart part = open.get(key(head, site));
        if (part == null) {
            outside.computeIfAbsent(key(head, site), k -> new Skipped()).add(offset);
        }
        return part;
    }

    private void withoutPrr(OpenPart p, String why) {
        report.quarantined();
        issue(
                StdfRules.PART_WITHOUT_PRR,
                p.offset,
                p.head,
                p.site,
                "",
                "the part started by the PIR at byte " + p.offset + " has no PRR: " + why,
                p.wafer);
    }

    /** A part that is not published: the issue stands for it, with its device id and event time. */
    private void quarantine(
            String rule,
            long offset,
            Prr p,
            String field,
            String message,
            WaferScope wafer,
            String deviceId,
            long eventTime) {
        report.quarantined();
        Severity severity = rule.equals(StdfRules.FILE_BLOCKED) ? blockedBy.severity() : StdfRules.severity(rule);
        emit(new StdfIssue(
                rule,
                severity,
                file,
                offset,
                p.head(),
                p.site(),
                field,
                message,
                wafer.waferId,
                wafer.lotId,
                deviceId,
                eventTime));
    }

    private void issue(
            String rule, long offset, Integer head, Integer site, String field, String message, WaferScope wafer) {
        emit(new StdfIssue(
                rule,
                StdfRules.severity(rule),
                file,
                offset,
                head,
                site,
                field,
                message,
                wafer == null ? null : wafer.waferId,
                wafer == null ? lotIdOrNull() : wafer.lotId,
                null,
                null));
    }

    private void emit(StdfIssue issue) {
        report.issue(issue);
        out.accept(issue);
    }

    /** The head's wafer; without any WIR, the file's fallback wafer (reported once). */
    private WaferScope waferFor(int head, long offset) {
        WaferScope w = wafers.get(head);
        if (w != null) {
            return w;
        }
        if (lastWafer != null) {
            return lastWafer; // a WIR for all heads, or one head's WIR: the file's latest wafer
        }
        String waferId = fallbackWaferId(offset, head);
        lastWafer = new WaferScope(++waferSerial, waferId, lotId(), mirStart() * 1000L, offset);
        report.wafer(waferId);
        return lastWafer;
    }

    /** No WIR (or one without WAFER_ID): the MIR's SBLOT_ID, else the file name without extensions. */
    private String fallbackWaferId(long offset, int head) {
        String id = mir != null && !mir.sublotId().isEmpty() ? mir.sublotId() : fileStem;
        if (!noWaferReported) {
            noWaferReported = true;
            emit(new StdfIssue(
                    StdfRules.NO_WAFER_RECORD,
                    StdfRules.severity(StdfRules.NO_WAFER_RECORD),
                    file,
                    offset,
                    head,
                    null,
                    InputSchema.WAFER_ID,
                    "no WIR with a WAFER_ID before the first part: wafer id '" + id + "' taken from the "
                            + (mir != null && !mir.sublotId().isEmpty() ? "MIR's SBLOT_ID" : "file name"),
                    id,
                    lotId(),
                    null,
                    null));
        }
        return id;
    }

    private String lotId() {
        return mir != null && !mir.lotId().isEmpty() ? mir.lotId() : fileStem;
    }

    private String lotIdOrNull() {
        return mir == null ? null : lotId();
    }

    private long mirStart() {
        return mir == null ? 0 : mir.startTime();
    }

    private String testerId(int head, int site) {
        String node = mir == null ? "" : mir.nodeName();
        if (StdfConfig.NODE_HEAD_SITE.equals(config.testerId())) {
            return node + "/h" + head + "s" + site;
        }
        return node.isEmpty() ? null : node;
    }

    private Iterable<String> mappedParameters() {
        return config.parameters().keySet();
    }

    private static int key(int head, int site) {
        return head << 8 | site;
    }
}
