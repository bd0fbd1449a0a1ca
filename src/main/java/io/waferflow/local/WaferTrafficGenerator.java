package io.waferflow.local;

import io.waferflow.local.model.WaferWindowOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * Realistic, seeded wafer-test traffic for the demo and benchmarks: several testers each probe one wafer at a time, die
 * by die in serpentine order over a round wafer map, so records of a few wafers interleave as on a real test floor.
 * Failures cluster spatially (a few defect clusters per wafer plus a weaker edge ring); failing dies draw more current
 * and stop testing early; a die whose Vdd is outside the test limits fails too, though it works. Parameter
 * distributions follow SPEC 2.1. With {@link Settings#windowMillis} it also reports each wafer window's true outcome
 * once the window is final ({@link #finishedWindows}). Optionally: a Vdd shift after some wafers (drift, which fails
 * dies), malformed records, wafers whose Vdd is written in the wrong unit, records delayed past the allowed lateness,
 * and mild out-of-order arrival.
 *
 * <p>Deterministic for a given {@link Settings}: the same seed produces the same bytes. Not thread-safe.
 */
public final class WaferTrafficGenerator {

    /** What to generate. Fields are public for brevity in callers; defaults are the demo's. */
    public static final class Settings {
        public long seed = 42;
        public int testers = 8;
        /** Wafer diameter in dies; a 30-die wafer has about 700 dies. */
        public int waferDiameter = 30;

        public long startMillis = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
        /** After this many wafers per tester, Vdd shifts up by {@link #driftVolts}; negative: never. */
        public int driftAfterWafers = -1;

        public double driftVolts = 0.05;
        /**
         * Share of bad records: malformed (bad JSON, wrong types, missing fields, NaN, arrays), out of range (flagged,
         * not quarantined) and re-deliveries of the previous record (duplicates).
         */
        public double badRecordRate = 0.0;
        /** Share of records held back by {@link #lateDelayMillis} of event time (beyond allowed lateness). */
        public double lateRecordRate = 0.0;

        public long lateDelayMillis = 10 * 60_000L;
        /**
         * The first tester writes Vdd in millivolts on its wafers with this sequence number and every
         * {@link #unitErrorEvery}-th after it (a converter bug: every die out of range, the wafer rejected); -1: never.
         */
        public int unitErrorWafer = -1;

        public int unitErrorEvery = 10;
        /** Share of records swapped with the next one (mild out-of-order arrival). */
        public double outOfOrderRate = 0.01;
        /**
         * The test program's limits on a die's supply voltage: 1.2 V ± 5 %, the usual tolerance of a 1.2 V rail (±3
         * sigma of the undrifted Vdd, so about 0.3 % of dies fail them; after the +0.05 V drift about 31 %). A die
         * outside them fails (soft bin {@link #VDD_LIMIT_SOFT_BIN}) though it works: its current, frequency and test
         * time stay those of a good die, the Vdd check being the flow's last test.
         */
        public double vddLowLimit = 1.14;

        public double vddHighLimit = 1.26;
        /**
         * Tumbling event-time window (the feature group's) whose per-wafer outcomes {@link #finishedWindows} reports;
         * 0: none kept.
         */
        public long windowMillis = 0;
        /**
         * Parametric tests per record beyond the four of the schema ({@code vdd}, {@code idd}, {@code frequency},
         * {@code temperature}): fields {@code p0001}, {@code p0002}, ... drawn from N(100, 10)
         * ({@link #parameterName}).
         */
        public int extraParameters = 0;
        /** How much later each tester starts than the one before it (its first wafer's first test). */
        public long testerStaggerMillis = 7_000;
    }

    /** Soft bin of a die that failed only the Vdd limits. */
    public static final int VDD_LIMIT_SOFT_BIN = 60;

    /**
     * How much later than the record it swaps with a swapped-in test may be. The next test of the floor can be up to a
     * wafer change (45 s) ahead when every other tester is between wafers; a live sender, which sends a record once the
     * clock reaches {@link #frontier()}, would then send it that far in the future of its event time.
     */
    static final long MAX_SWAP_MILLIS = 1_000;

    private static final double VDD_MEAN = 1.2;
    private static final double VDD_STD = 0.02;

    private final Settings s;
    private final Random random;
    private final List<int[]> dieOrder;
    private final Tester[] testers;
    /** The testers by the event time of their next test (then by number): the next record's tester is the head. */
    private final PriorityQueue<Tester> byClock =
            new PriorityQueue<>(Comparator.comparingLong((Tester t) -> t.clock).thenComparingInt(t -> t.number));

    private final ArrayDeque<Delayed> delayed = new ArrayDeque<>();
    private byte[] swapped;
    private byte[] previous;
    private long generated;
    /** Outcomes of wafer windows still open here, by window end then wafer. */
    private final TreeMap<OpenWindow, OpenWindow> openWindows =
            new TreeMap<>(Comparator.comparingLong((OpenWindow w) -> w.end).thenComparing(w -> w.waferId));

    private static final class OpenWindow {
        final long end;
        final String waferId;
        String lotId;
        int devices;
        int passed;

        OpenWindow(long end, String waferId) {
            this.end = end;
            this.waferId = waferId;
        }
    }

    private static final class Tester {
        int number;
        String id;
        long clock;
        int wafersDone;
        String lotId;
        String waferId;
        int nextDie;
        double[][] clusters;
    }

    private static final class Delayed {
        final long releaseAt;
        final byte[] payload;

        Delayed(long releaseAt, byte[] payload) {
            this.releaseAt = releaseAt;
            this.payload = payload;
        }
    }

    public WaferTrafficGenerator(Settings settings) {
        this.s = settings;
        this.random = new Random(settings.seed);
        this.dieOrder = serpentineWaferMap(settings.waferDiameter);
        this.testers = new Tester[settings.testers];
        for (int i = 0; i < testers.length; i++) {
            Tester t = new Tester();
            t.number = i;
            t.id = String.format("T%02d", i + 1);
            // Stagger the testers so their wafers start at different times.
            t.clock = settings.startMillis + i * settings.testerStaggerMillis;
            startWafer(t);
            testers[i] = t;
            byClock.add(t);
        }
    }

    /** Dies of a round wafer map, row by row, alternating direction (how a prober steps). */
    static List<int[]> serpentineWaferMap(int diameter) {
        List<int[]> dies = new ArrayList<>();
        double r = diameter / 2.0;
        for (int y = 0; y < diameter; y++) {
            List<int[]> row = new ArrayList<>();
            for (int x = 0; x < diameter; x++) {
                double dx = x + 0.5 - r;
                double dy = y + 0.5 - r;
                if (dx * dx + dy * dy <= r * r) {
                    row.add(new int[] {x, y});
                }
            }
            if (y % 2 == 1) {
                java.util.Collections.reverse(row);
            }
            dies.addAll(row);
        }
        return dies;
    }

    public int diesPerWafer() {
        return dieOrder.size();
    }

    public long generated() {
        return generated;
    }

    private void startWafer(Tester t) {
        int waferSeq = t.wafersDone;
        String tester = t.id;
        t.lotId = String.format("L%s-%03d", tester, waferSeq / 25);
        t.waferId = String.format("W%s-%03d-%02d", tester, waferSeq / 25, waferSeq % 25 + 1);
        t.nextDie = 0;
        int clusterCount = random.nextInt(4);
        t.clusters = new double[clusterCount][];
        for (int c = 0; c < clusterCount; c++) {
            t.clusters[c] = new double[] {
                random.nextDouble() * s.waferDiameter,
                random.nextDouble() * s.waferDiameter,
                1.5 + random.nextDouble() * 3
            };
        }
    }

    /** The next {@code n} message payloads. */
    public List<byte[]> take(int n) {
        List<byte[]> payloads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            payloads.add(next());
        }
        return payloads;
    }

    /** The next message payload (JSON, UTF-8). */
    public byte[] next() {
        if (swapped != null) {
            byte[] out = swapped;
            swapped = null;
            return out;
        }
        Tester t = earliestTester();
        if (!delayed.isEmpty() && delayed.peekFirst().releaseAt <= t.clock) {
            return delayed.pollFirst().payload;
        }
        long eventTime = t.clock;
        byte[] payload = nextFrom(t);
        generated++;
        if (s.lateRecordRate > 0 && random.nextDouble() < s.lateRecordRate) {
            delayed.addLast(new Delayed(t.clock + s.lateDelayMillis, payload));
            return next();
        }
        if (s.outOfOrderRate > 0
                && random.nextDouble() < s.outOfOrderRate
                && earliestTester().clock - eventTime <= MAX_SWAP_MILLIS) {
            swapped = payload;
            return nextFrom(earliestTester());
        }
        return payload;
    }

    /**
     * The tester whose next test comes first in event time. A tester that just finished a wafer first loads the next
     * one (its clock moves on), so records come out in event-time order across testers.
     */
    private Tester earliestTester() {
        while (true) {
            Tester best = byClock.peek();
            if (best.nextDie < dieOrder.size()) {
                return best;
            }
            byClock.poll();
            best.wafersDone++;
            best.clock += 45_000; // unload, load and align the next wafer
            startWafer(best);
            byClock.add(best);
        }
    }

    /**
     * The event time before which no new test will be generated: the earliest tester clock (records held back as late
     * or swapped excepted). A tester that has just finished its wafer loads its next one first, so a live sender that
     * waits for the clock to reach this does not get the next test early: with the other testers between wafers it can
     * be up to a wafer change (45 s) later than the finished tester's clock.
     */
    public long frontier() {
        return earliestTester().clock;
    }

    /**
     * The outcomes of wafer windows that ended at least {@code lagMillis} before {@link #frontier()}, in window-end
     * order, each once (they are forgotten here). Needs {@link Settings#windowMillis}.
     */
    public List<WaferWindowOutcome> finishedWindows(long lagMillis) {
        List<WaferWindowOutcome> done = new ArrayList<>();
        long before = frontier() - lagMillis;
        while (!openWindows.isEmpty() && openWindows.firstKey().end <= before) {
            OpenWindow w = openWindows.pollFirstEntry().getValue();
            done.add(new WaferWindowOutcome(w.lotId, w.waferId, w.end - s.windowMillis, w.end, w.devices, w.passed));
        }
        return done;
    }

    private void countOutcome(Tester t, long eventTime, boolean pass) {
        if (s.windowMillis <= 0) {
            return;
        }
        long end = eventTime - Math.floorMod(eventTime, s.windowMillis) + s.windowMillis;
        OpenWindow w = openWindows.computeIfAbsent(new OpenWindow(end, t.waferId), k -> k);
        w.lotId = t.lotId;
        w.devices++;
        w.passed += pass ? 1 : 0;
    }

    private byte[] nextFrom(Tester t) {
        int[] die = dieOrder.get(t.nextDie++);
        boolean works = random.nextDouble() >= failProbability(t, die[0], die[1]);
        double testTime = works
                ? clamp(120 + 15 * random.nextGaussian(), 20, 480)
                : clamp(60 + 10 * random.nextGaussian(), 15, 480);
        long eventTime = t.clock;
        byClock.remove(t); // the head: its clock moves on
        t.clock += Math.round(testTime) + 40; // index time between dies
        byClock.add(t);
        boolean drifted = s.driftAfterWafers >= 0 && t.wafersDone >= s.driftAfterWafers;
        // The die's true supply voltage, drawn before a record can turn out malformed: the outcome counts either way.
        double vdd = VDD_MEAN + (drifted ? s.driftVolts : 0) + VDD_STD * random.nextGaussian();
        boolean pass = works && vdd >= s.vddLowLimit && vdd <= s.vddHighLimit;
        countOutcome(t, eventTime, pass);
        if (s.badRecordRate > 0 && random.nextDouble() < s.badRecordRate) {
            byte[] bad = malformed(t, die, eventTime);
            if (bad != null) {
                return bad;
            }
        }
        if (t == testers[0]
                && s.unitErrorWafer >= 0
                && t.wafersDone >= s.unitErrorWafer
                && (t.wafersDone - s.unitErrorWafer) % s.unitErrorEvery == 0) {
            vdd *= 1000; // millivolts
        }
        double idd = works ? 50 + 5 * random.nextGaussian() : 80 + 15 * random.nextGaussian();
        double freq = 2000 + 100 * random.nextGaussian() - (works ? 0 : 150);
        String temperature = random.nextDouble() < 0.02 ? "null" : fmt(25 + 2 * random.nextGaussian());
        String json = String.format(
                Locale.ROOT,
                "{\"event_time\":\"%s\",\"lot_id\":\"%s\",\"wafer_id\":\"%s\",\"device_id\":\"%s-%d-%d\","
                        + "\"die_x\":%d,\"die_y\":%d,\"vdd\":%s,\"idd\":%s,\"frequency\":%s,\"temperature\":%s,"
                        + "\"test_time_ms\":%s,\"pass_fail\":%d,\"hard_bin\":%d,\"soft_bin\":%d,\"tester_id\":\"%s\"}",
                Instant.ofEpochMilli(eventTime),
                t.lotId,
                t.waferId,
                t.waferId,
                die[0],
                die[1],
                die[0],
                die[1],
                fmt(vdd),
                fmt(idd),
                fmt(freq),
                temperature,
                fmt(testTime),
                pass ? 1 : 0,
                pass ? 1 : 5,
                pass ? 1 : works ? VDD_LIMIT_SOFT_BIN : 50 + random.nextInt(10),
                t.id);
        if (s.extraParameters > 0) {
            StringBuilder more = new StringBuilder(json.length() + 20 * s.extraParameters);
            more.append(json, 0, json.length() - 1);
            for (int p = 1; p <= s.extraParameters; p++) {
                more.append(",\"").append(parameterName(p)).append("\":").append(fmt(100 + 10 * random.nextGaussian()));
            }
            json = more.append('}').toString();
        }
        previous = json.getBytes(StandardCharsets.UTF_8);
        return previous;
    }

    private double failProbability(Tester t, int x, int y) {
        double p = 0.04;
        double r = s.waferDiameter / 2.0;
        double dx = x + 0.5 - r;
        double dy = y + 0.5 - r;
        if (Math.sqrt(dx * dx + dy * dy) > r - 1.5) {
            p += 0.15; // edge ring
        }
        for (double[] c : t.clusters) {
            double d = Math.hypot(x - c[0], y - c[1]);
            if (d < c[2]) {
                p += 0.7 * (1 - d / c[2]);
            }
        }
        return Math.min(p, 0.95);
    }

    private byte[] malformed(Tester t, int[] die, long eventTime) {
        String base = String.format(
                Locale.ROOT,
                "{\"event_time\":%d,\"lot_id\":\"%s\",\"wafer_id\":\"%s\",\"device_id\":\"%s-%d-%d\",\"die_x\":%d,"
                        + "\"die_y\":%d,",
                eventTime,
                t.lotId,
                t.waferId,
                t.waferId,
                die[0],
                die[1],
                die[0],
                die[1]);
        String rest = "\"vdd\":1.2,\"idd\":50.0,\"frequency\":2000.0,\"test_time_ms\":100.0,\"pass_fail\":1}";
        String json;
        switch (random.nextInt(7)) {
            case 0:
                json = base + rest.substring(0, 20); // truncated
                break;
            case 1:
                json = base + rest.replace("\"vdd\":1.2", "\"vdd\":\"1.2V\""); // string for a number
                break;
            case 2:
                json = base + rest.replace("\"idd\":50.0,", ""); // missing required field
                break;
            case 3:
                json = base + rest.replace("\"frequency\":2000.0", "\"frequency\":NaN"); // tester wrote NaN
                break;
            case 4:
                json = "[" + base + rest + "]"; // array instead of object
                break;
            case 5:
                json = base + rest.replace("\"vdd\":1.2", "\"vdd\":1.55"); // out of range: flagged, aggregated
                break;
            default:
                if (previous == null) {
                    return null;
                }
                generated--; // a re-delivery, not a new record
                return previous; // the previous record again: a duplicate
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The name of the {@code p}-th extra parameter (from 1): {@code p0001}. */
    public static String parameterName(int p) {
        return String.format(Locale.ROOT, "p%04d", p);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
