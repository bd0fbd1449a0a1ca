package io.waferflow.serving;

import java.time.Duration;

/**
 * The version to serve when a request names none: the serving pointer in Redis ({@code waferflow version switch}), read
 * at most once per {@code refresh}, so a request pays one round trip (its rows), not two. Without a pointer, the
 * configured {@code feature_group.version}. A switch is served within {@code refresh}.
 */
final class ServingPointer {

    private record Read(String version, long atNanos) {}

    private final OnlineRows rows;
    private final ServedGroup group;
    private final long refreshNanos;
    private volatile Read last;

    ServingPointer(OnlineRows rows, ServedGroup group, Duration refresh) {
        this.rows = rows;
        this.group = group;
        this.refreshNanos = refresh.toNanos();
    }

    /** The current version; reads Redis when the last read is older than the refresh interval. */
    String current() {
        Read r = last;
        long now = System.nanoTime();
        if (r == null || now - r.atNanos >= refreshNanos) {
            // Concurrent requests may each read once when it expires: harmless, and no lock on the request path.
            String version = rows.servingVersion(group.name()).orElse(group.configuredVersion());
            r = new Read(version, now);
            last = r;
        }
        return r.version;
    }
}
