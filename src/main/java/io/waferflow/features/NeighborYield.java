package io.waferflow.features;

/**
 * Spatial yield feature: for each die tested in the window, the pass rate of its tested 8-neighbours on the same wafer
 * (latest test of each neighbour), averaged over the window's dies that have at least one tested neighbour. NaN when no
 * die of the window has one. A die failing among passing neighbours points at a random defect; a cluster of fails at a
 * systematic (process or probe-card) one.
 */
public final class NeighborYield {

    /** Looks up the latest test stamp of a die on this wafer, or null if it has not been tested. */
    @FunctionalInterface
    public interface DieLookup {
        Long latestStamp(int dieKey) throws Exception;
    }

    private NeighborYield() {}

    /** @param distinctDies the window's dies, each once */
    public static double average(int[] distinctDies, int count, DieLookup dieMap) throws Exception {
        double sum = 0;
        int withNeighbours = 0;
        for (int i = 0; i < count; i++) {
            int x = DieKeys.x(distinctDies[i]);
            int y = DieKeys.y(distinctDies[i]);
            int tested = 0;
            int passed = 0;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    if ((dx == 0 && dy == 0) || !DieKeys.fits(x + dx, y + dy)) {
                        continue;
                    }
                    Long stamp = dieMap.latestStamp(DieKeys.key(x + dx, y + dy));
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
}
