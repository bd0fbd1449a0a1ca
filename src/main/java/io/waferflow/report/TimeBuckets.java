package io.waferflow.report;

/** Bins for counts over time: the smallest of a few round sizes that cuts the range into at most 60 bins. */
record TimeBuckets(long start, long size, int count) {

    private static final long MINUTE = 60_000;
    private static final long[] SIZES = {
        MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 6 * 60 * MINUTE, 24 * 60 * MINUTE, 7 * 24 * 60 * MINUTE
    };
    private static final int MAX = 60;

    static TimeBuckets covering(long min, long max) {
        for (long size : SIZES) {
            long start = Math.floorDiv(min, size) * size;
            long count = (max - start) / size + 1;
            if (count <= MAX || size == SIZES[SIZES.length - 1]) {
                return new TimeBuckets(start, size, (int) Math.min(count, Integer.MAX_VALUE));
            }
        }
        throw new AssertionError("unreachable");
    }

    int of(long t) {
        return (int) Math.max(0, Math.min(count - 1, (t - start) / size));
    }

    long end() {
        return start + count * size;
    }

    String label() {
        return Html.duration(size);
    }
}
