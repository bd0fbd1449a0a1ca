package io.waferflow.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One wafer's tested dies, each its latest test, as the raw archive holds them.
 *
 * @param why why this wafer is shown ("lowest yield", "latest", "asked for")
 * @param colorBy what the cells' colour shows: {@code pass_fail}, {@code hard_bin}, {@code soft_bin} or a parameter
 */
public record WaferMap(String waferId, String lotId, String why, String colorBy, List<Die> dies) {

    /** One die's latest test; {@code value} the colouring parameter's value (NaN when missing or not asked for). */
    public record Die(int x, int y, boolean passed, Integer hardBin, Integer softBin, double value) {}

    public long passed() {
        return dies.stream().filter(Die::passed).count();
    }

    /** Passed dies over tested dies, in percent; NaN for no dies. */
    public double yieldPct() {
        return dies.isEmpty() ? Double.NaN : 100.0 * passed() / dies.size();
    }

    /**
     * Neighbour yield of the whole map, defined as the features job's {@code neighbor_yield_avg} is for a window: per
     * die, the pass rate of its tested 8-neighbours, averaged over the dies that have one. A share (0..1); NaN when no
     * die has a tested neighbour.
     */
    public double neighbourYield() {
        return neighbourYield(false);
    }

    /**
     * The same over the failing dies only: about the yield when fails are scattered (random defects), far below it when
     * they cluster (a scratch, an edge ring, a probe-card problem). Over all dies the average is close to the yield
     * however the fails lie, since every die is counted as a neighbour about as often. NaN when no failing die has a
     * tested neighbour.
     */
    public double neighbourYieldOfFailing() {
        return neighbourYield(true);
    }

    private double neighbourYield(boolean failingOnly) {
        Map<Long, Boolean> byCell = new HashMap<>();
        for (Die d : dies) {
            byCell.put(cell(d.x, d.y), d.passed);
        }
        double sum = 0;
        int counted = 0;
        for (Die d : dies) {
            if (failingOnly && d.passed) {
                continue;
            }
            int tested = 0;
            int passed = 0;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    Boolean n = (dx == 0 && dy == 0) ? null : byCell.get(cell(d.x + dx, d.y + dy));
                    if (n != null) {
                        tested++;
                        passed += n ? 1 : 0;
                    }
                }
            }
            if (tested > 0) {
                sum += (double) passed / tested;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private static long cell(int x, int y) {
        return ((long) x << 32) ^ (y & 0xffffffffL);
    }
}
