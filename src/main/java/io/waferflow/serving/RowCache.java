package io.waferflow.serving;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rows read from Redis, kept in memory for at most {@code ttl} after the read was sent (not after it was stored: a slow
 * read does not extend a row's life), bounded in number. Absent rows are kept too (all fields null), so a burst of
 * requests for an unknown wafer costs one read per {@code ttl}. Caffeine never returns an expired entry, even one it
 * has not evicted yet.
 */
final class RowCache {

    /** A row as read, and when the read that returned it was sent ({@link System#nanoTime()}). */
    record Row(StoredRow row, long readNanos) {}

    private final Cache<String, Row> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    RowCache(int maxRows, Duration ttl) {
        long ttlNanos = ttl.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxRows)
                .expireAfter(new Expiry<String, Row>() {
                    @Override
                    public long expireAfterCreate(String key, Row row, long now) {
                        return Math.max(0, ttlNanos - (now - row.readNanos()));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Row row, long now, long current) {
                        return expireAfterCreate(key, row, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Row row, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** The row if it was read less than {@code ttl} ago, else null; counted as a hit or a miss. */
    StoredRow get(String key) {
        Row row = cache.getIfPresent(key);
        if (row == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return row.row();
    }

    void put(String key, StoredRow row, long readNanos) {
        cache.put(key, new Row(row, readNanos));
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }
}
