package io.waferflow.local.stdf;

import io.waferflow.ingest.stdf.Limits;
import io.waferflow.ingest.stdf.Mir;
import io.waferflow.ingest.stdf.Pir;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.Wir;
import io.waferflow.ingest.stdf.Wrr;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic wafer as a tester writes it: MIR, WIR, then the parts tested {@code sites} at a time (PIRs of every site,
 * each test's PTRs interleaved site by site, PRRs), then WRR, bin summaries and MRR. Every part runs the same
 * {@code tests} parametric tests; only a test's first PTR in the file carries OPT_FLAG, limits and units, the later
 * ones end after ALARM_ID (as real programs write them, and the specification allows). Results are normal around the
 * middle of the limits; a part fails when a result falls outside them. Deterministic for a seed.
 */
public final class StdfWaferGenerator {

    /** MIR START_T of every generated file: 2026-12-01T00:00:00Z, in seconds. */
    public static final long START_SECONDS = 1_796_083_200L;

    public static final String LOT_ID = "LOT-BENCH";
    public static final String WAFER_ID = "LOT-BENCH-W01";

    private final int parts;
    private final int sites;
    private final List<TestSpec> tests;
    private final long seed;

    /** One parametric test: number, TEST_TXT, units, RES_SCAL and its limits in base units. */
    public record TestSpec(long number, String name, String units, int scale, float low, float high) {}

    public StdfWaferGenerator(int parts, int tests, int sites, long seed) {
        if (parts < 1 || tests < 1 || sites < 1 || sites > 255) {
            throw new IllegalArgumentException("parts and tests must be positive and sites in 1..255");
        }
        this.parts = parts;
        this.sites = sites;
        this.tests = testProgram(tests);
        this.seed = seed;
    }

    public List<TestSpec> tests() {
        return tests;
    }

    /**
     * A test program of {@code n} tests named as real ones are: supplies and currents first, then per-pin continuity,
     * leakage and output levels cycling over the pins, trims and timing.
     */
    static List<TestSpec> testProgram(int n) {
        List<TestSpec> out = new ArrayList<>(n);
        TestSpec[] fixed = {
            new TestSpec(0, "VDD", "V", 0, 0.95f, 1.05f),
            new TestSpec(0, "IDD", "A", 3, 0.010f, 0.030f),
            new TestSpec(0, "FMAX", "Hz", 6, 1.8e9f, 2.6e9f),
            new TestSpec(0, "TEMPERATURE", "C", 0, 20f, 30f),
            new TestSpec(0, "IDDQ_STANDBY", "A", 6, 1e-6f, 50e-6f),
            new TestSpec(0, "VREF_BANDGAP", "V", 3, 1.18f, 1.22f),
            new TestSpec(0, "PLL_LOCK_TIME", "s", 6, 5e-6f, 40e-6f),
        };
        String[] pins = {"DQ", "ADDR", "BA", "CKE", "CS_N", "ODT", "GPIO"};
        String[][] perPin = {
            {"CONT_%s%d", "V", "0", "-0.9", "-0.2"},
            {"IIL_%s%d", "A", "9", "-1e-6", "1e-6"},
            {"IIH_%s%d", "A", "9", "-1e-6", "1e-6"},
            {"VOH_%s%d@-4mA", "V", "0", "1.2", "1.8"},
            {"VOL_%s%d@4mA", "V", "3", "0.0", "0.4"},
        };
        for (int i = 0; i < n; i++) {
            long number = 1000 + 10L * i;
            if (i < fixed.length) {
                TestSpec f = fixed[i];
                out.add(new TestSpec(number, f.name(), f.units(), f.scale(), f.low(), f.high()));
                continue;
            }
            int k = i - fixed.length;
            String[] kind = perPin[k % perPin.length];
            int pin = k / perPin.length;
            String name = String.format(kind[0], pins[pin % pins.length], pin / pins.length);
            out.add(new TestSpec(
                    number,
                    name,
                    kind[1],
                    Integer.parseInt(kind[2]),
                    Float.parseFloat(kind[3]),
                    Float.parseFloat(kind[4])));
        }
        return out;
    }

    /** Writes the whole file to {@code out} (which the caller buffers and closes). */
    public void write(OutputStream out, ByteOrder order) {
        SplittableRandom random = new SplittableRandom(seed);
        StdfWriter w = new StdfWriter(out, order);
        w.mir(new Mir(
                START_SECONDS - 600,
                START_SECONDS,
                1,
                'P',
                ' ',
                ' ',
                65535,
                ' ',
                LOT_ID,
                "WF-BENCH",
                "tester-01",
                "J750",
                "wf_bench_prog",
                "r1",
                "S1",
                "bench",
                "IG-XL",
                "9.0",
                "WS1",
                "25C"));
        w.wir(new Wir(1, 255, START_SECONDS, WAFER_ID));
        int side = (int) Math.ceil(Math.sqrt(parts));
        boolean[] limitsWritten = new boolean[tests.size()];
        long good = 0;
        for (int first = 0; first < parts; first += sites) {
            int n = Math.min(sites, parts - first);
            for (int s = 0; s < n; s++) {
                w.pir(new Pir(1, s + 1));
            }
            boolean[] failed = new boolean[n];
            for (int t = 0; t < tests.size(); t++) {
                TestSpec spec = tests.get(t);
                float mid = (spec.low() + spec.high()) / 2;
                float sigma = (spec.high() - spec.low()) / 10;
                for (int s = 0; s < n; s++) {
                    float result = (float) (mid + sigma * random.nextGaussian());
                    boolean fail = result < spec.low() || result > spec.high();
                    failed[s] |= fail;
                    Limits limits = limitsWritten[t]
                            ? Limits.OMITTED
                            : new Limits(0x0E, spec.scale(), spec.scale(), spec.scale(), spec.low(), spec.high());
                    String units = limitsWritten[t] ? "" : spec.units();
                    limitsWritten[t] = true;
                    w.ptr(new Ptr(spec.number(), 1, s + 1, fail ? 0x80 : 0, 0, result, spec.name(), "", limits, units));
                }
            }
            for (int s = 0; s < n; s++) {
                int part = first + s;
                good += failed[s] ? 0 : 1;
                w.prr(new Prr(
                        1,
                        s + 1,
                        failed[s] ? 0x08 : 0,
                        tests.size(),
                        failed[s] ? 5 : 1,
                        failed[s] ? 100 : 1,
                        part % side,
                        part / side,
                        800 + random.nextInt(400),
                        Integer.toString(part + 1),
                        ""));
            }
        }
        long finish = START_SECONDS + parts / sites + 1;
        w.wrr(new Wrr(1, 255, finish, parts, 0, 0, good, Wrr.MISSING_COUNT, WAFER_ID));
        // Bin summaries and the MRR: types the decoder keeps raw, as real files end with them.
        binSummary(w, 40, 1, good, "PASS", 'P');
        binSummary(w, 40, 5, parts - good, "FAIL_PARAMETRIC", 'F');
        binSummary(w, 50, 1, good, "PASS", 'P');
        binSummary(w, 50, 100, parts - good, "FAIL_PARAMETRIC", 'F');
        w.record(1, 20, w.body().u4(finish).c1(' ').cn("").cn(""));
    }

    private static void binSummary(StdfWriter w, int subtype, int bin, long count, String name, char passFail) {
        w.record(
                1,
                subtype,
                w.body().u1(255).u1(0).u2(bin).u4(count).c1(passFail).cn(name));
    }
}
