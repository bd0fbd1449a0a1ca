package io.waferflow.testing;

import io.waferflow.ingest.stdf.Limits;
import io.waferflow.ingest.stdf.Mir;
import io.waferflow.ingest.stdf.Pir;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.Wir;
import io.waferflow.ingest.stdf.Wrr;
import io.waferflow.local.stdf.StdfWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One wafer's STDF file as a multi-site tester writes it, and the dies it holds as the test expects them
 * ({@link TestDie}s with the event time the contract defines). Parts are tested {@code sites} at a time: PIRs of every
 * site, then each test's PTRs site after site (VDD, IDD, FMAX, TEMPERATURE in the shipped schema's units; limits and
 * units only on a test's first PTR), then the PRRs; WRR and MRR at the end. A site's clock starts at the WIR's START_T
 * and each finished part adds its TEST_T: a part's event time is its site's clock after its own test.
 *
 * <p>Every value is exactly representable as an STDF R4 (a float), so the test's doubles equal what the reader reads.
 */
public final class StdfWaferFile {

    /** Test number, name and unit of each schema parameter, in {@link ExpectedFeatures#PARAMETERS} order. */
    private static final long[] NUMBERS = {100, 200, 300, 400};

    private static final String[] NAMES = {"VDD", "IDD", "FMAX", "TEMPERATURE"};
    private static final String[] UNITS = {"V", "mA", "MHz", "C"};
    private static final Limits[] LIMITS = {
        new Limits(0, 0, 0, 0, 1.0f, 1.4f),
        new Limits(0, 0, 0, 0, 0f, 200f),
        new Limits(0, 0, 0, 0, 1000f, 3000f),
        new Limits(0, 0, 0, 0, -40f, 125f)
    };

    private final byte[] bytes;
    private final List<TestDie> dies;
    /** Per die, the byte offset just after its PRR. */
    private final long[] prrEnds;

    private StdfWaferFile(byte[] bytes, List<TestDie> dies, long[] prrEnds) {
        this.bytes = bytes;
        this.dies = dies;
        this.prrEnds = prrEnds;
    }

    /**
     * A wafer of {@code count} dies on a {@code columns}-wide grid starting at die number {@code firstDie} (so two
     * files of one wafer can hold different dies), tested {@code sites} at a time from {@code startMillis} (whole
     * seconds), values drawn from {@code seed}; about a fifth fail.
     */
    public static StdfWaferFile write(
            String lot,
            String wafer,
            String tester,
            long startMillis,
            int firstDie,
            int count,
            int columns,
            int sites,
            long seed,
            ByteOrder order) {
        if (startMillis % 1000 != 0) {
            throw new IllegalArgumentException("STDF start times are whole seconds");
        }
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdfWriter w = new StdfWriter(out, order);
        long start = startMillis / 1000;
        w.mir(new Mir(
                start, start, 1, 'P', ' ', ' ', 65535, ' ', lot, "PART", tester, "J750", "prog", "r1", "", "op", "", "",
                "", "25"));
        w.wir(new Wir(1, 255, start, wafer));
        long[] clocks = new long[sites];
        Arrays.fill(clocks, startMillis);
        boolean[] limitsGiven = new boolean[NAMES.length];
        List<TestDie> dies = new ArrayList<>();
        long[] prrEnds = new long[count];
        int good = 0;
        for (int first = 0; first < count; first += sites) {
            int n = Math.min(sites, count - first);
            TestDie[] touchdown = new TestDie[n];
            for (int s = 0; s < n; s++) {
                int die = firstDie + first + s;
                boolean pass = random.nextInt(5) != 0;
                long testTime = 100 + 4 * random.nextInt(50);
                clocks[s] += testTime;
                touchdown[s] = new TestDie(
                        clocks[s],
                        lot,
                        wafer,
                        die % columns,
                        die / columns,
                        pass,
                        1.0 + (6 + random.nextInt(15)) / 64.0,
                        (pass ? 40 : 90) + random.nextInt(40) / 2.0,
                        1900 + 4 * random.nextInt(50),
                        25 + random.nextInt(20) / 4.0,
                        testTime);
                w.pir(new Pir(1, s + 1));
            }
            for (int t = 0; t < NAMES.length; t++) {
                for (int s = 0; s < n; s++) {
                    boolean withLimits = !limitsGiven[t];
                    limitsGiven[t] = true;
                    w.ptr(new Ptr(
                            NUMBERS[t],
                            1,
                            s + 1,
                            0,
                            0,
                            (float) touchdown[s].parameter(t),
                            NAMES[t],
                            "",
                            withLimits ? LIMITS[t] : Limits.OMITTED,
                            withLimits ? UNITS[t] : ""));
                }
            }
            for (int s = 0; s < n; s++) {
                TestDie d = touchdown[s];
                w.prr(new Prr(
                        1,
                        s + 1,
                        d.pass() ? 0 : 0x08,
                        NAMES.length,
                        d.pass() ? 1 : 5,
                        d.pass() ? 1 : 5,
                        d.x(),
                        d.y(),
                        (long) d.testTimeMs(),
                        Integer.toString(firstDie + first + s + 1),
                        ""));
                prrEnds[first + s] = out.size();
                dies.add(d);
                good += d.pass() ? 1 : 0;
            }
        }
        w.wrr(new Wrr(1, 255, start + 3600, count, 0, 0, good, Wrr.MISSING_COUNT, wafer));
        // The MRR ends a complete file: without it the reader takes the file for one cut at a record boundary.
        w.mrr(start + 3600);
        return new StdfWaferFile(out.toByteArray(), dies, prrEnds);
    }

    /** Every die of the file, in PRR order. */
    public List<TestDie> dies() {
        return dies;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The file cut {@code bytesInto} bytes into the record after the PRR of die {@code lastKept} (0-based, PRR order):
     * a truncated file whose complete parts are {@link #diesUpTo}{@code (lastKept)}.
     */
    public byte[] truncatedAfter(int lastKept, int bytesInto) {
        return Arrays.copyOf(bytes, (int) prrEnds[lastKept] + bytesInto);
    }

    /** The dies whose PRR is at or before that of die {@code lastKept}. */
    public List<TestDie> diesUpTo(int lastKept) {
        return List.copyOf(dies.subList(0, lastKept + 1));
    }

    public Path writeTo(Path file) throws IOException {
        return Files.write(file, bytes);
    }
}
