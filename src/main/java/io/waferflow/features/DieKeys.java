package io.waferflow.features;

/**
 * Packs die coordinates and test outcomes into primitives so the die map stays small: a die is one int (x and y in 16
 * bits each), a test of it one long (event time and pass bit), and the latest test wins.
 */
public final class DieKeys {

    private DieKeys() {}

    public static int key(int x, int y) {
        return (x << 16) | (y & 0xFFFF);
    }

    public static int x(int key) {
        return key >> 16;
    }

    public static int y(int key) {
        return (short) key;
    }

    public static long stamp(long eventTime, boolean passed) {
        return (eventTime << 1) | (passed ? 1L : 0L);
    }

    public static boolean passed(long stamp) {
        return (stamp & 1L) == 1L;
    }

    /** Whether coordinates fit the packing; wafer maps are a few hundred dies across. */
    public static boolean fits(int x, int y) {
        return x >= Short.MIN_VALUE && x <= Short.MAX_VALUE && y >= Short.MIN_VALUE && y <= Short.MAX_VALUE;
    }
}
