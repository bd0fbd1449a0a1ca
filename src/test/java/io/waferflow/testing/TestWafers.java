package io.waferflow.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Seeded random wafers for tests: {@code count} wafers of {@code dies} dies each; die {@code k} of wafer {@code w} sits
 * at ({@code k % columns}, {@code k / columns}) and is tested at {@code start(w) + k × dieEvery}. Parameters are normal
 * around SPEC 2.1's nominal values (Vdd 1.2 ± 0.02 V, Idd 50 ± 5 mA, frequency 2000 ± 100 MHz); temperature, test time
 * and failing dies are as the knobs say. {@link #build} returns the dies in event-time order (wafer order among equal
 * times).
 *
 * <p>Deterministic: each die draws, wafer by wafer and die by die, in this order: pass (only with a fail rate), Vdd,
 * Idd (not for a failing die with a fixed Idd), frequency, whether the temperature is missing (only with a missing
 * share), the temperature (only if it varies), the test time (only if it varies). Savepoint fixtures were written from
 * these sequences: changing the order or what draws changes their input.
 */
public final class TestWafers {

    /** Picks dies by wafer and die index. */
    @FunctionalInterface
    public interface Dies {
        boolean contain(int wafer, int die);
    }

    /** A normal distribution; {@code std} 0: always the mean, drawing nothing. */
    private record Normal(double mean, double std) {
        double draw(Random random) {
            return std == 0 ? mean : mean + std * random.nextGaussian();
        }
    }

    private record VddOf(Dies dies, double volts) {}

    private static final Normal IDD = new Normal(50, 5);
    private static final Normal FREQUENCY = new Normal(2000, 100);

    private final Random random;
    private String lot = "L1";
    private int count = 1;
    private IntFunction<String> waferIds = w -> "W" + w;
    private int dies = 1;
    private int columns = 1;
    private IntToLongFunction starts = w -> 0;
    private long dieEvery = 1_000;
    private double failRate;
    private Normal vdd = new Normal(1.2, 0.02);
    private final List<VddOf> vddOf = new ArrayList<>();
    private Normal failingIdd = IDD;
    private Normal temperature = new Normal(25, 0);
    private double missingTemperature;
    private int testTimeMs = 100;
    private int testTimeSpread;

    private TestWafers(Random random) {
        this.random = random;
    }

    public static TestWafers seed(long seed) {
        return new TestWafers(new Random(seed));
    }

    /** Draws from {@code random}, continuing whatever the test drew from it before. */
    public static TestWafers drawingFrom(Random random) {
        return new TestWafers(random);
    }

    private TestWafers set(Consumer<TestWafers> knob) {
        knob.accept(this);
        return this;
    }

    public TestWafers lot(String lot) {
        return set(w -> w.lot = lot);
    }

    /** {@code count} wafers named by {@code idFormat} with the wafer index ({@code "WC%d"}, {@code "WF%02d"}). */
    public TestWafers wafers(int count, String idFormat) {
        return wafers(count, w -> String.format(idFormat, w));
    }

    public TestWafers wafers(int count, IntFunction<String> ids) {
        return set(w -> {
            w.count = count;
            w.waferIds = ids;
        });
    }

    /** Dies per wafer, filling rows of {@code columns}. */
    public TestWafers dies(int perWafer, int columns) {
        return set(w -> {
            w.dies = perWafer;
            w.columns = columns;
        });
    }

    /** Wafer {@code w}'s first test at {@code first + w × waferEvery}. */
    public TestWafers starts(long first, long waferEvery) {
        return starts(w -> first + w * waferEvery);
    }

    public TestWafers starts(IntToLongFunction startOfWafer) {
        return set(w -> w.starts = startOfWafer);
    }

    /** Time between two dies of a wafer; 1 s unless set. */
    public TestWafers dieEvery(long ms) {
        return set(w -> w.dieEvery = ms);
    }

    /** A die fails when a uniform draw is at or below {@code rate}; 0 (the default): every die passes, no draw. */
    public TestWafers failRate(double rate) {
        return set(w -> w.failRate = rate);
    }

    /** Failing dies draw more current: {@code mean ± std} mA ({@code std} 0: exactly {@code mean}, no draw). */
    public TestWafers failingIdd(double mean, double std) {
        return set(w -> w.failingIdd = new Normal(mean, std));
    }

    /** Vdd around {@code volts} (σ 20 mV); 1.2 V unless set. */
    public TestWafers vddMean(double volts) {
        return set(w -> w.vdd = new Normal(volts, w.vdd.std()));
    }

    /** Vdd of the chosen dies set to {@code volts} (after their draws, so no other die changes). */
    public TestWafers vdd(Dies chosen, double volts) {
        vddOf.add(new VddOf(chosen, volts));
        return this;
    }

    /** Temperature {@code mean ± std} °C ({@code std} 0, the default with 25 °C: a constant, no draw). */
    public TestWafers temperature(double mean, double std) {
        return set(w -> w.temperature = new Normal(mean, std));
    }

    /** This share of dies has no temperature (null). */
    public TestWafers missingTemperature(double share) {
        return set(w -> w.missingTemperature = share);
    }

    /** Every die's test time. */
    public TestWafers testTime(int ms) {
        return testTime(ms, 0);
    }

    /** Test time drawn uniformly from {@code [fromMs, fromMs + spreadMs)} whole milliseconds. */
    public TestWafers testTime(int fromMs, int spreadMs) {
        return set(w -> {
            w.testTimeMs = fromMs;
            w.testTimeSpread = spreadMs;
        });
    }

    public List<TestDie> build() {
        List<TestDie> out = new ArrayList<>(count * dies);
        for (int w = 0; w < count; w++) {
            String wafer = waferIds.apply(w);
            long start = starts.applyAsLong(w);
            for (int k = 0; k < dies; k++) {
                out.add(die(w, k, wafer, start + k * dieEvery));
            }
        }
        out.sort(Comparator.comparingLong(TestDie::time));
        return out;
    }

    private TestDie die(int w, int k, String wafer, long time) {
        boolean pass = failRate == 0 || random.nextDouble() > failRate;
        double volts = vdd.draw(random);
        double idd = (pass ? IDD : failingIdd).draw(random);
        double frequency = FREQUENCY.draw(random);
        Double temp =
                missingTemperature > 0 && random.nextDouble() < missingTemperature ? null : temperature.draw(random);
        int testTime = testTimeSpread == 0 ? testTimeMs : testTimeMs + random.nextInt(testTimeSpread);
        for (VddOf set : vddOf) {
            if (set.dies().contain(w, k)) {
                volts = set.volts();
            }
        }
        return new TestDie(time, lot, wafer, k % columns, k / columns, pass, volts, idd, frequency, temp, testTime);
    }
}
