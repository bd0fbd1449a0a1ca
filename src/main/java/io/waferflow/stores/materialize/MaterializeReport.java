package io.waferflow.stores.materialize;

import java.time.Duration;

/**
 * What one materialization did. Every entity of the offline rows is counted once: {@code written}, {@code current}
 * (Redis holds the same window and revision), {@code keptNewer} (Redis holds a later window or revision, which stays)
 * or {@code skippedSince} (its newest row ended before {@code --since}).
 *
 * @param files committed Parquet files read
 * @param rowsRead feature rows in them (one per entity and window)
 */
public record MaterializeReport(
        int files,
        long rowsRead,
        long entities,
        long written,
        long current,
        long keptNewer,
        long skippedSince,
        Duration took) {

    /** Entities whose row Redis kept: it held the same window or a newer one. */
    public long kept() {
        return current + keptNewer;
    }
}
