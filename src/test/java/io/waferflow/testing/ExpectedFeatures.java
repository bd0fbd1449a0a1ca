package io.waferflow.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the feature job must produce for an input in arrival order, computed the plain way: two-pass statistics, sorted
 * nearest-rank quantiles, brute-force neighbour yield, and Flink's event-time rules simulated step by step.
 *
 * <p><b>Watermarks.</b> Each input partition's watermark trails the largest event time read from it by the
 * out-of-orderness bound (emitted per record, as {@code feature_group.watermark.emit=per_record} does), and the job's
 * watermark is the smallest over the partitions (none until every partition has had a record). Quarantine markers
 * (quarantined records whose wafer and event time were read) count like records; the model is given the order in which
 * one source reader interleaved the partitions, so a test must either know it or show that the result does not depend
 * on it (see {@link #simulate}).
 *
 * <p><b>Windows.</b> Tumbling or session windows per wafer with allowed lateness, as Flink's window operator with its
 * event-time trigger: a window fires once when the watermark passes its last millisecond, and again on each record
 * accepted after that; a record whose window (for sessions: the session it joins) is past end + lateness is too late;
 * sessions merge when they touch, and a session past its lateness is gone and cannot be joined. A firing's revision is
 * one more than the previous firing's of that window (merged sessions: the highest of the sessions they absorbed), as
 * the finalizer numbers them. The offline row of a window is its last firing; the online row of a wafer its newest
 * window's.
 *
 * <p><b>Neighbour yield</b> is specified over the wafer's dies tested before the window's end (latest test wins), among
 * the records windows accepted, whatever order they arrived in. The job knows a test once its window has fired; when a
 * firing brings a test before the end of a window that has fired already, that window's value is computed again over
 * the tests known by then and, if it changed, emitted again as its next revision: the model does the same to know the
 * revisions ({@link #neighbourRecomputes}). Each window's last value is then the specified one (issue 14).
 */
public final class ExpectedFeatures {

    public static final String[] PARAMETERS = {"vdd", "idd", "frequency", "temperature"};
    /** The default schema's ranges (jobs/features.yaml), per parameter, then test_time_ms. */
    private static final double[][] RANGES = {{1.0, 1.4}, {0, 200}, {1000, 3000}, {-40, 125}};

    private static final double[] TEST_TIME_RANGE = {10, 500};

    /** One message as the job's source reads it: its partition and record; a marker stands for a quarantined one. */
    public record Arrival(int partition, TestDie die, boolean marker) {}

    /** How records are grouped into windows. */
    public record Windows(boolean session, long millis) {
        public static Windows tumbling(long sizeMs) {
            return new Windows(false, sizeMs);
        }

        public static Windows session(long gapMs) {
            return new Windows(true, gapMs);
        }
    }

    /** One expected feature row. */
    public static final class Row {
        public String wafer;
        public String lot;
        public long windowStart;
        public long windowEnd;
        public int revision;
        public final Map<String, Double> features = new LinkedHashMap<>();

        final List<TestDie> dies = new ArrayList<>();
        int quarantined;
        boolean fired;
        /** Revision of the last firing; -1 before the first. */
        int lastRevision = -1;
        /** Neighbour yield as last emitted (firing or recomputation), over the tests known then; null for none. */
        Double lastNeighbourYield;

        boolean gone;

        long maxTimestamp() {
            return windowEnd - 1;
        }

        /** The values of parameter {@code p} in the window, sorted (nulls left out). */
        public double[] sortedValues(int p) {
            return dies.stream()
                    .mapToDouble(d -> d.parameter(p))
                    .filter(x -> !Double.isNaN(x))
                    .sorted()
                    .toArray();
        }
    }

    public final Map<String, Row> rows = new TreeMap<>();
    public final List<TestDie> tooLate = new ArrayList<>();
    public int lateWithinLateness;
    /** Quarantined records (known wafer and time) that re-fired an already fired window. */
    public int lateQuarantined;
    /** Markers dropped because their window was past its lateness (they raise no violation of their own). */
    public int markersTooLate;
    /** Firings with a revision above 0: the job's {@code late_window_updates}. */
    public int lateWindowUpdates;
    /** Rows emitted again because their neighbour yield changed: the job's {@code neighbour_recomputed_rows}. */
    public int neighbourRecomputes;
    /** Records and markers that re-fired their window after a newer window of the wafer had been emitted. */
    public final List<Arrival> lateAfterNewerWindow = new ArrayList<>();

    public static ExpectedFeatures compute(List<TestDie> arrivals, long windowMs, long latenessMs, long boundMs) {
        return compute(arrivals, java.util.Set.of(), windowMs, latenessMs, boundMs);
    }

    /**
     * One partition, tumbling windows.
     *
     * @param quarantined the arrivals (by identity) that stand for quarantined records: they count in their window's
     *     quarantine rate and can re-fire it, but are in no feature; null entries are quarantined records without a
     *     known wafer, which touch no window
     */
    public static ExpectedFeatures compute(
            List<TestDie> arrivals, java.util.Set<TestDie> quarantined, long windowMs, long latenessMs, long boundMs) {
        List<Arrival> in = new ArrayList<>();
        for (TestDie d : arrivals) {
            if (d != null) {
                in.add(new Arrival(0, d, quarantined.contains(d)));
            }
        }
        return simulate(in, 1, Windows.tumbling(windowMs), latenessMs, boundMs);
    }

    /**
     * The job's output for arrivals in the given order over {@code partitions} partitions. The result depends on the
     * interleaving of the partitions only through the watermark each arrival meets, which is monotone in every
     * partition's progress: a test that gets the same result with each partition first and each last among
     * interleavings it cannot control has shown that every interleaving gives that result.
     */
    public static ExpectedFeatures simulate(
            List<Arrival> arrivals, int partitions, Windows windows, long latenessMs, long boundMs) {
        ExpectedFeatures e = new ExpectedFeatures();
        long[] maxSeen = new long[partitions];
        Arrays.fill(maxSeen, Long.MIN_VALUE);
        Map<String, List<Row>> live = new HashMap<>();
        // Per wafer, the tests of the windows that have fired (the job's die histories), by position, time and outcome.
        Map<String, Map<String, TestDie>> known = new HashMap<>();
        List<Row> all = new ArrayList<>();
        for (Arrival a : arrivals) {
            long watermark = watermark(maxSeen, boundMs);
            e.fireDue(all, watermark, known);
            TestDie d = a.die();
            List<Row> wafer = live.computeIfAbsent(d.wafer(), k -> new ArrayList<>());
            // A window past end + lateness is purged: nothing joins it any more.
            wafer.removeIf(r -> watermark != Long.MIN_VALUE && r.maxTimestamp() + latenessMs <= watermark);
            Row target = windows.session()
                    ? e.joinSession(wafer, all, d, windows.millis(), latenessMs, watermark)
                    : e.tumblingWindow(wafer, all, d, windows.millis(), latenessMs, watermark);
            if (target == null) {
                if (a.marker()) {
                    e.markersTooLate++;
                } else {
                    e.tooLate.add(d);
                }
            } else {
                target.lot = target.lot == null ? d.lot() : target.lot;
                if (a.marker()) {
                    target.quarantined++;
                } else {
                    target.dies.add(d);
                }
                if (watermark != Long.MIN_VALUE && target.maxTimestamp() <= watermark) {
                    // Accepted after its window's end passed: the trigger fires at once.
                    if (target.lastRevision >= 0) {
                        if (a.marker()) {
                            e.lateQuarantined++;
                        } else {
                            e.lateWithinLateness++;
                        }
                        if (wafer.stream().anyMatch(o -> o.windowStart > target.windowStart && o.lastRevision >= 0)) {
                            e.lateAfterNewerWindow.add(a);
                        }
                    }
                    e.fire(target, all, known);
                }
            }
            maxSeen[a.partition()] = Math.max(maxSeen[a.partition()], d.time());
        }
        // The end of the input: the watermark jumps to the end of time and every window fires that has not.
        e.fireDue(all, Long.MAX_VALUE, known);
        for (Row r : all) {
            if (r.gone) {
                continue;
            }
            r.revision = r.lastRevision;
            e.rows.put(r.wafer + "@" + r.windowStart, r);
        }
        for (Row r : e.rows.values()) {
            e.computeFeatures(r);
        }
        return e;
    }

    private static long watermark(long[] maxSeen, long boundMs) {
        long min = Long.MAX_VALUE;
        for (long m : maxSeen) {
            if (m == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            min = Math.min(min, m - boundMs - 1);
        }
        return min;
    }

    /** On-time firings the watermark has made due, in the order of their ends (Flink's timer order). */
    private void fireDue(List<Row> all, long watermark, Map<String, Map<String, TestDie>> known) {
        if (watermark == Long.MIN_VALUE) {
            return;
        }
        List<Row> due = new ArrayList<>();
        for (Row r : all) {
            if (!r.gone && !r.fired && r.maxTimestamp() <= watermark) {
                due.add(r);
            }
        }
        due.sort(Comparator.comparingLong(Row::maxTimestamp).thenComparingLong(r -> r.windowStart));
        for (Row r : due) {
            fire(r, all, known);
        }
    }

    /**
     * One firing: the finalizer adds the window's tests to what it knows of the wafer and emits the next revision; then
     * every other fired window that ends after one of the tests new to it gets its value computed again, and the next
     * revision if it changed.
     */
    private void fire(Row r, List<Row> all, Map<String, Map<String, TestDie>> known) {
        r.fired = true;
        r.lastRevision++;
        if (r.lastRevision > 0) {
            lateWindowUpdates++;
        }
        Map<String, TestDie> tests = known.computeIfAbsent(r.wafer, k -> new HashMap<>());
        List<TestDie> fresh = new ArrayList<>();
        for (TestDie d : r.dies) {
            if (tests.putIfAbsent(position(d) + "@" + d.time() + "@" + d.pass(), d) == null) {
                fresh.add(d);
            }
        }
        r.lastNeighbourYield = neighbourYield(r, latestBefore(tests.values(), r.windowEnd));
        for (Row o : all) {
            if (o == r || o.gone || !o.fired || !o.wafer.equals(r.wafer)) {
                continue;
            }
            if (fresh.stream().anyMatch(d -> d.time() < o.windowEnd)) {
                Double now = neighbourYield(o, latestBefore(tests.values(), o.windowEnd));
                if (!java.util.Objects.equals(now, o.lastNeighbourYield)) {
                    o.lastNeighbourYield = now;
                    o.lastRevision++;
                    neighbourRecomputes++;
                }
            }
        }
    }

    private Row tumblingWindow(
            List<Row> wafer, List<Row> all, TestDie d, long sizeMs, long latenessMs, long watermark) {
        long start = Math.floorDiv(d.time(), sizeMs) * sizeMs;
        for (Row r : wafer) {
            if (r.windowStart == start) {
                return r;
            }
        }
        if (watermark != Long.MIN_VALUE && start + sizeMs - 1 + latenessMs <= watermark) {
            return null;
        }
        Row r = newRow(d.wafer(), start, start + sizeMs);
        wafer.add(r);
        all.add(r);
        return r;
    }

    /** The session {@code d} joins: its own [t, t + gap) merged with every live session it touches, or null if late. */
    private Row joinSession(List<Row> wafer, List<Row> all, TestDie d, long gapMs, long latenessMs, long watermark) {
        long start = d.time();
        long end = d.time() + gapMs;
        List<Row> touched = new ArrayList<>();
        for (Row r : wafer) {
            // Flink's TimeWindow.intersects: windows that only touch merge too.
            if (r.windowStart <= end && r.windowEnd >= start) {
                touched.add(r);
            }
        }
        for (Row r : touched) {
            start = Math.min(start, r.windowStart);
            end = Math.max(end, r.windowEnd);
        }
        if (watermark != Long.MIN_VALUE && end - 1 + latenessMs <= watermark) {
            return null;
        }
        if (touched.isEmpty()) {
            Row r = newRow(d.wafer(), start, end);
            wafer.add(r);
            all.add(r);
            return r;
        }
        // The first session absorbs the others (kept in place: most records only extend one session).
        Row merged = touched.get(0);
        for (Row r : touched.subList(1, touched.size())) {
            merged.dies.addAll(r.dies);
            merged.quarantined += r.quarantined;
            merged.lot = merged.lot == null ? r.lot : merged.lot;
            merged.lastRevision = Math.max(merged.lastRevision, r.lastRevision);
            r.gone = true;
            wafer.remove(r);
            all.remove(r);
        }
        if (merged.windowStart != start || merged.windowEnd != end || touched.size() > 1) {
            // A new window for Flink: its own timer, so it fires on time again unless its end has already passed
            // (then it fires with this record).
            merged.windowStart = start;
            merged.windowEnd = end;
            merged.fired = false;
        }
        return merged;
    }

    private static Row newRow(String wafer, long start, long end) {
        Row r = new Row();
        r.wafer = wafer;
        r.windowStart = start;
        r.windowEnd = end;
        return r;
    }

    private void computeFeatures(Row r) {
        int n = r.dies.size();
        long passed = r.dies.stream().filter(TestDie::pass).count();
        r.features.put("device_count", (double) n);
        r.features.put("yield_pct", n == 0 ? null : 100.0 * passed / n);
        for (int p = 0; p < PARAMETERS.length; p++) {
            double[] v = r.sortedValues(p);
            String name = PARAMETERS[p];
            if (v.length == 0) {
                for (String stat : List.of("mean", "std", "min", "max", "p50", "p95")) {
                    r.features.put(name + "_" + stat, null);
                }
                continue;
            }
            double mean = 0;
            for (double x : v) {
                mean += x;
            }
            mean /= v.length;
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            r.features.put(name + "_mean", mean);
            r.features.put(name + "_std", v.length < 2 ? null : Math.sqrt(ss / (v.length - 1)));
            r.features.put(name + "_min", v[0]);
            r.features.put(name + "_max", v[v.length - 1]);
            r.features.put(name + "_p50", v[(int) Math.ceil(0.5 * v.length) - 1]);
            r.features.put(name + "_p95", v[(int) Math.ceil(0.95 * v.length) - 1]);
        }
        r.features.put(
                "avg_test_time_ms",
                n == 0
                        ? null
                        : r.dies.stream()
                                .mapToDouble(TestDie::testTimeMs)
                                .average()
                                .orElseThrow());
        r.features.put("neighbor_yield_avg", neighbourYield(r, specifiedDieMap(r)));
        int flaggedDevices = 0;
        for (TestDie d : r.dies) {
            boolean flagged = d.testTimeMs() < TEST_TIME_RANGE[0] || d.testTimeMs() > TEST_TIME_RANGE[1];
            for (int p = 0; p < PARAMETERS.length; p++) {
                flagged |= outOfRange(d.parameter(p), p);
            }
            flaggedDevices += flagged ? 1 : 0;
        }
        for (int p = 0; p < PARAMETERS.length; p++) {
            final int i = p;
            long nulls =
                    r.dies.stream().filter(d -> Double.isNaN(d.parameter(i))).count();
            long flagged =
                    r.dies.stream().filter(d -> outOfRange(d.parameter(i), i)).count();
            r.features.put("dq_" + PARAMETERS[p] + "_null_rate", n == 0 ? null : (double) nulls / n);
            r.features.put("dq_" + PARAMETERS[p] + "_flagged_rate", n == 0 ? null : (double) flagged / n);
        }
        r.features.put("dq_devices_flagged_pct", n == 0 ? null : 100.0 * flaggedDevices / n);
        r.features.put("dq_quarantine_rate", (double) r.quarantined / (n + r.quarantined));
    }

    private static boolean outOfRange(double v, int parameter) {
        return !Double.isNaN(v) && (v < RANGES[parameter][0] || v > RANGES[parameter][1]);
    }

    private static String position(TestDie d) {
        return d.x() + "," + d.y();
    }

    /** Latest test of every die of the wafer tested before this window's end, among the records windows accepted. */
    private Map<String, TestDie> specifiedDieMap(Row r) {
        return latestBefore(
                rows.values().stream()
                        .filter(o -> o.wafer.equals(r.wafer))
                        .flatMap(o -> o.dies.stream())
                        .toList(),
                r.windowEnd);
    }

    /** Position → latest of the tests before {@code end}. */
    private static Map<String, TestDie> latestBefore(java.util.Collection<TestDie> tests, long end) {
        Map<String, TestDie> dieMap = new HashMap<>();
        tests.stream()
                .filter(d -> d.time() < end)
                .distinct()
                .sorted(Comparator.comparingLong(TestDie::time))
                .forEach(d -> dieMap.put(position(d), d));
        return dieMap;
    }

    private static Double neighbourYield(Row r, Map<String, TestDie> dieMap) {
        double sum = 0;
        int counted = 0;
        // In the order of the job's packed die keys (x in the high 16 bits, y in the low ones), so that equal neighbour
        // counts give bit-identical averages and a recomputation changes the value exactly when the job's does.
        List<TestDie> byKey = new ArrayList<>(r.dies);
        byKey.sort(Comparator.comparingInt(d -> (d.x() << 16) | (d.y() & 0xFFFF)));
        for (String die :
                byKey.stream().map(ExpectedFeatures::position).distinct().toList()) {
            int tested = 0;
            int pass = 0;
            for (String nb : neighbours(die)) {
                TestDie t = dieMap.get(nb);
                if (t != null) {
                    tested++;
                    pass += t.pass() ? 1 : 0;
                }
            }
            if (tested > 0) {
                sum += (double) pass / tested;
                counted++;
            }
        }
        return counted == 0 ? null : sum / counted;
    }

    private static List<String> neighbours(String die) {
        String[] xy = die.split(",");
        int x = Integer.parseInt(xy[0]);
        int y = Integer.parseInt(xy[1]);
        List<String> out = new ArrayList<>(8);
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                if (dx != 0 || dy != 0) {
                    out.add((x + dx) + "," + (y + dy));
                }
            }
        }
        return out;
    }

    /**
     * Sliding windows of {@code sizeMs} every {@code slideMs}, for input in event-time order (nothing late): each
     * record belongs to every window [s, s + size) that contains it.
     */
    public static ExpectedFeatures computeSliding(List<TestDie> inOrder, long sizeMs, long slideMs) {
        ExpectedFeatures e = new ExpectedFeatures();
        for (TestDie d : inOrder) {
            long lastStart = Math.floorDiv(d.time(), slideMs) * slideMs;
            for (long start = lastStart; start > d.time() - sizeMs; start -= slideMs) {
                final long s = start;
                Row r = e.rows.computeIfAbsent(d.wafer() + "@" + s, k -> new Row());
                r.wafer = d.wafer();
                r.lot = r.lot == null ? d.lot() : r.lot;
                r.windowStart = s;
                r.windowEnd = s + sizeMs;
                r.dies.add(d);
            }
        }
        for (Row r : e.rows.values()) {
            e.computeFeatures(r);
        }
        return e;
    }

    /** The row of each wafer's newest window: what the online store must hold. */
    public Map<String, Row> newestPerWafer() {
        Map<String, Row> newest = new TreeMap<>();
        for (Row r : rows.values()) {
            newest.merge(r.wafer, r, (a, b) -> a.windowEnd >= b.windowEnd ? a : b);
        }
        return newest;
    }
}
