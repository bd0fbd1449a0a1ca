package io.waferflow.features;

import java.util.Arrays;

/**
 * The tests of one die on a wafer that neighbour yield can still ask about: test stamps ({@link DieKeys#stamp}) in
 * ascending order, so that "the latest test before time t" has one answer whatever order the tests arrived in.
 *
 * <p>A window that can still fire or re-fire ends after the horizon (watermark − allowed lateness), and every test
 * before the horizon is before its end: of those only the newest can be a window's answer. {@link #add} therefore keeps
 * every test from the horizon on plus the newest one before it; a die retested within the lateness keeps two or three
 * stamps, any other die one.
 */
public final class DieHistory {

    private DieHistory() {}

    /** The event time of a stamp. */
    public static long time(long stamp) {
        return stamp >> 1;
    }

    /**
     * The history with {@code stamp} added and tests no window can ask about dropped, or the same array if neither
     * changed it (the stamp was known and nothing was old enough to drop).
     *
     * @param history the die's stamps, ascending; null for a die not tested yet
     * @param horizon no window that can still change ends at or before this event time; {@code Long.MIN_VALUE} keeps
     *     everything
     */
    public static long[] add(long[] history, long stamp, long horizon) {
        long[] h = history == null ? new long[0] : history;
        int at = Arrays.binarySearch(h, stamp);
        long[] added = h;
        if (at < 0) {
            int insert = -at - 1;
            added = new long[h.length + 1];
            System.arraycopy(h, 0, added, 0, insert);
            added[insert] = stamp;
            System.arraycopy(h, insert, added, insert + 1, h.length - insert);
        }
        int keepFrom = 0;
        while (keepFrom + 1 < added.length && time(added[keepFrom + 1]) < horizon) {
            keepFrom++;
        }
        if (keepFrom > 0) {
            added = Arrays.copyOfRange(added, keepFrom, added.length);
        }
        return added;
    }

    /** The stamp of the latest test before {@code end} (exclusive), or null if the die had no test by then. */
    public static Long latestBefore(long[] history, long end) {
        if (history == null) {
            return null;
        }
        for (int i = history.length - 1; i >= 0; i--) {
            if (time(history[i]) < end) {
                return history[i];
            }
        }
        return null;
    }

    /** Whether {@code stamp} is already in the history. */
    public static boolean contains(long[] history, long stamp) {
        return history != null && Arrays.binarySearch(history, stamp) >= 0;
    }
}
