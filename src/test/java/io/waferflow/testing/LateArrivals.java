package io.waferflow.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Inputs whose arrival order differs from event-time order: retests of dies, and records held back. */
public final class LateArrivals {

    private LateArrivals() {}

    /**
     * The dies plus {@code count} retests, each of a random die 70–150 s after its test, with the opposite outcome (so
     * that which test of a die counts matters), in event-time order.
     */
    public static List<TestDie> withRetests(List<TestDie> dies, int count, Random random) {
        List<TestDie> all = new ArrayList<>(dies);
        for (int i = 0; i < count; i++) {
            TestDie d = dies.get(random.nextInt(dies.size()));
            all.add(new TestDie(
                    d.time() + 70_000 + random.nextInt(80_000),
                    d.lot(),
                    d.wafer(),
                    d.x(),
                    d.y(),
                    !d.pass(),
                    d.vdd(),
                    d.idd(),
                    d.frequency(),
                    d.temperature(),
                    d.testTimeMs()));
        }
        all.sort(Comparator.comparingLong(TestDie::time));
        return all;
    }

    /**
     * The records in the order they arrive when a {@code share} of them is held back by 1 s to {@code maxDelayMs}
     * (event time + delay, ties in input order). With a watermark trailing the largest event time read by the bound B,
     * no record is later than {@code maxDelayMs − B}: within an allowed lateness above that, every record is accepted.
     */
    public static List<TestDie> heldBack(List<TestDie> inOrder, double share, long maxDelayMs, Random random) {
        Map<TestDie, Long> arrival = new HashMap<>();
        for (TestDie d : inOrder) {
            long delay = random.nextDouble() < share ? 1_000 + (long) (random.nextDouble() * (maxDelayMs - 1_000)) : 0;
            arrival.put(d, d.time() + delay);
        }
        List<TestDie> order = new ArrayList<>(inOrder);
        order.sort(Comparator.comparingLong(arrival::get));
        return order;
    }
}
