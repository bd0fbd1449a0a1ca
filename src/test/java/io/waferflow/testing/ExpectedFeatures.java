package io.waferflow.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the feature job must produce for an input in arrival order, computed the plain way: two-pass statistics,
 * sorted nearest-rank quantiles, brute-force neighbour yield, and Flink's lateness rules simulated with a watermark
 * that trails the largest event time seen by the out-of-orderness bound (updated after each record).
 *
 * <p>Neighbour yield of window w uses every die of the wafer tested before w's end (latest test wins): windows fire
 * in the order of their ends and each merges its dies into the wafer's die map. This holds as long as late records
 * of a window arrive before the next window fires, which the fixtures ensure.
 */
public final class ExpectedFeatures {

    public static final String[] PARAMETERS = {"vdd", "idd", "frequency", "temperature"};
    /** The default schema's ranges (jobs/features.yaml), per parameter, then test_time_ms. */
    private static final double[][] RANGES = {{1.0, 1.4}, {0, 200}, {1000, 3000}, {-40, 125}};
    private static final double[] TEST_TIME_RANGE = {10, 500};

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
    }

    public final Map<String, Row> rows = new TreeMap<>();
    public final List<TestDie> tooLate = new ArrayList<>();
    public int lateWithinLateness;
    /** Quarantined records (known wafer and time) that re-fired an already fired window. */
    public int lateQuarantined;

    public static ExpectedFeatures compute(List<TestDie> arrivals, long windowMs, long latenessMs, long boundMs) {
        return compute(arrivals, java.util.Set.of(), windowMs, latenessMs, boundMs);
    }

    /**
     * @param quarantined the arrivals (by identity) that stand for quarantined records: they count in their window's
     *                    quarantine rate and can re-fire it, but are in no feature; null entries are quarantined
     *                    records without a known wafer, which touch no window
     */
    public static ExpectedFeatures compute(List<TestDie> arrivals, java.util.Set<TestDie> quarantined, long windowMs,
                                           long latenessMs, long boundMs) {
        ExpectedFeatures e = new ExpectedFeatures();
        long maxSeen = Long.MIN_VALUE;
        for (TestDie d : arrivals) {
            if (d == null) {
                continue;
            }
            boolean marker = quarantined.contains(d);
            long watermark = maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - boundMs - 1;
            long start = Math.floorDiv(d.time(), windowMs) * windowMs;
            long maxTs = start + windowMs - 1;
            // Windows whose end the watermark passed have fired on time.
            for (Row r : e.rows.values()) {
                if (r.windowEnd - 1 <= watermark) {
                    r.fired = true;
                }
            }
            if (watermark != Long.MIN_VALUE && maxTs + latenessMs <= watermark) {
                if (!marker) {
                    e.tooLate.add(d);
                }
            } else {
                Row r = e.rows.computeIfAbsent(d.wafer() + "@" + start, k -> new Row());
                r.wafer = d.wafer();
                r.lot = r.lot == null ? d.lot() : r.lot;
                r.windowStart = start;
                r.windowEnd = start + windowMs;
                if (r.fired) {
                    r.revision++;
                    if (marker) {
                        e.lateQuarantined++;
                    } else {
                        e.lateWithinLateness++;
                    }
                }
                if (marker) {
                    r.quarantined++;
                } else {
                    r.dies.add(d);
                }
            }
            maxSeen = Math.max(maxSeen, d.time());
        }
        for (Row r : e.rows.values()) {
            e.computeFeatures(r);
        }
        return e;
    }

    private void computeFeatures(Row r) {
        int n = r.dies.size();
        long passed = r.dies.stream().filter(TestDie::pass).count();
        r.features.put("device_count", (double) n);
        r.features.put("yield_pct", 100.0 * passed / n);
        for (int p = 0; p < PARAMETERS.length; p++) {
            final int i = p;
            double[] v = r.dies.stream().mapToDouble(d -> d.parameter(i)).filter(x -> !Double.isNaN(x)).sorted().toArray();
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
        r.features.put("avg_test_time_ms", r.dies.stream().mapToDouble(TestDie::testTimeMs).average().orElseThrow());
        r.features.put("neighbor_yield_avg", neighbourYield(r));
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
            long nulls = r.dies.stream().filter(d -> Double.isNaN(d.parameter(i))).count();
            long flagged = r.dies.stream().filter(d -> outOfRange(d.parameter(i), i)).count();
            r.features.put("dq_" + PARAMETERS[p] + "_null_rate", (double) nulls / n);
            r.features.put("dq_" + PARAMETERS[p] + "_flagged_rate", (double) flagged / n);
        }
        r.features.put("dq_devices_flagged_pct", 100.0 * flaggedDevices / n);
        r.features.put("dq_quarantine_rate", (double) r.quarantined / (n + r.quarantined));
    }

    private static boolean outOfRange(double v, int parameter) {
        return !Double.isNaN(v) && (v < RANGES[parameter][0] || v > RANGES[parameter][1]);
    }

    private Double neighbourYield(Row r) {
        // Latest test of every die of the wafer in windows up to this one.
        Map<String, TestDie> dieMap = new HashMap<>();
        rows.values().stream()
                .filter(o -> o.wafer.equals(r.wafer))
                .flatMap(o -> o.dies.stream())
                .filter(d -> d.time() < r.windowEnd)
                .distinct()
                .sorted(Comparator.comparingLong(TestDie::time))
                .forEach(d -> dieMap.put(d.x() + "," + d.y(), d));
        double sum = 0;
        int counted = 0;
        for (String die : r.dies.stream().map(d -> d.x() + "," + d.y()).distinct().toList()) {
            String[] xy = die.split(",");
            int x = Integer.parseInt(xy[0]);
            int y = Integer.parseInt(xy[1]);
            int tested = 0;
            int pass = 0;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    TestDie nb = (dx == 0 && dy == 0) ? null : dieMap.get((x + dx) + "," + (y + dy));
                    if (nb != null) {
                        tested++;
                        pass += nb.pass() ? 1 : 0;
                    }
                }
            }
            if (tested > 0) {
                sum += (double) pass / tested;
                counted++;
            }
        }
        return counted == 0 ? null : sum / counted;
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
