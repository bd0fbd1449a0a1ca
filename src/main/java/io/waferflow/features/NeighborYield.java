package io.waferflow.features;

/**
 * Spatial yield feature: for each die tested in the window, the pass rate of its tested 8-neighbours on the same wafer
 * as of the window's end (each neighbour's latest test before the end), averaged over the window's dies that have at
 * least one tested neighbour. A share, 0 to 1 (where {@code yield_pct} is a percentage); NaN when no die of the window
 * has a tested neighbour. A die failing among passing neighbours points at a random defect; a cluster of fails at a
 * systematic (process or probe-card) one.
 *
 * <p>Only tests before the window's end count, so the value does not depend on when later dies, or late ones, arrived:
 * the streaming job and a batch backfill of the same input agree.
 */
public final class NeighborYield {

    /** Looks up a die's latest test on this wafer before an event time. */
    @FunctionalInterface
    public interface DieLookup {
        /** The stamp ({@link DieKeys#stamp}) of the die's latest test before {@code end}, or null if none. */
        Long latestStampBefore(int dieKey, long end) throws Exception;
    }

    private NeighborYield() {}

    /**
     * @param distinctDies the window's dies, each once; sorted, so that equal inputs give bit-identical sums
     * @param windowEnd the window's end (exclusive)
     */
    public static double average(int[] distinctDies, long windowEnd, DieLookup dieMap) throws Exception {
        double sum = 0;
        int withNeighbours = 0;
        for (int die : distinctDies) {
            int x = DieKeys.x(die);
            int y = DieKeys.y(die);
            int tested = 0;
            int passed = 0;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    if ((dx == 0 && dy == 0) || !DieKeys.fits(x + dx, y + dy)) {
                        continue;
                    }
                    Long stamp = dieMap.latestStampBefore(DieKeys.key(x + dx, y + dy), windowEnd);
                    if (stamp != null) {
                        tested++;
                        if (DieKeys.passed(stamp)) {
                            passed++;
                        }
                    }
                }
            }
            if (tested > 0) {
                sum += (double) passed / tested;
                withNeighbours++;
            }
        }
        return withNeighbours == 0 ? Double.NaN : sum / withNeighbours;
    }

    /** Whether one of {@code sortedDies} is an 8-neighbour of {@code die} (a die is not its own). */
    public static boolean anyNeighbourIn(int die, int[] sortedDies) {
        int x = DieKeys.x(die);
        int y = DieKeys.y(die);
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                if ((dx != 0 || dy != 0)
                        && DieKeys.fits(x + dx, y + dy)
                        && java.util.Arrays.binarySearch(sortedDies, DieKeys.key(x + dx, y + dy)) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
