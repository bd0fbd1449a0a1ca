package io.waferflow.serving;

import io.waferflow.derived.DerivedFeatures;
import io.waferflow.stores.online.OnlineKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the rows a request asks for: the version (asked for, or the serving pointer's), then each entity's row from the
 * cache or, for all the entities the cache lacks, from Redis in one pipelined round trip (one per master in a cluster).
 * While Redis cannot be reached a request that declared defaults is answered from them ({@link Rows#unavailable}); any
 * other gets {@link OnlineRows.Unavailable}, a 503.
 */
final class FeatureLookup {

    /**
     * The rows of a request's entities in request order ({@link StoredRow#ABSENT}: no row), or none at all while Redis
     * is away.
     */
    record Rows(String version, List<StoredRow> rows, boolean unavailable, DerivedFeatures derived) {}

    private final ServedGroup group;
    private final OnlineRows redis;
    private final ServingPointer pointer;
    /** Null when the cache is off. */
    private final RowCache cache;
    /** Null when no derived feature reads a baseline built in the stream. */
    private final StreamBaseline baseline;

    private final String[] fields;

    FeatureLookup(
            ServedGroup group, OnlineRows redis, ServingPointer pointer, RowCache cache, StreamBaseline baseline) {
        this.group = group;
        this.redis = redis;
        this.pointer = pointer;
        this.cache = cache;
        this.baseline = baseline;
        this.fields = group.readFields();
    }

    Rows find(FeatureRequest request) {
        String version = request.version();
        try {
            if (version == null) {
                version = pointer.current();
            }
            List<StoredRow> rows = rows(version, request.entities());
            DerivedFeatures derived =
                    baseline == null || request.derived().isEmpty() ? group.derived() : baseline.derivedFor(version);
            return new Rows(version, rows, false, derived);
        } catch (OnlineRows.Unavailable e) {
            if (!request.hasDefaults()) {
                throw e;
            }
            return new Rows(version == null ? group.configuredVersion() : version, List.of(), true, group.derived());
        }
    }

    private List<StoredRow> rows(String version, List<String> entities) {
        List<String> keys = new ArrayList<>(entities.size());
        for (String entity : entities) {
            keys.add(OnlineKeys.key(group.keyPrefix(), group.name(), version, entity));
        }
        if (cache == null) {
            return read(keys, version);
        }
        List<StoredRow> rows = new ArrayList<>(keys.size());
        List<String> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            StoredRow row = cache.get(keys.get(i));
            rows.add(row);
            if (row == null) {
                missing.add(keys.get(i));
                missingAt.add(i);
            }
        }
        if (!missing.isEmpty()) {
            long readNanos = System.nanoTime();
            List<StoredRow> read = read(missing, version);
            for (int m = 0; m < missing.size(); m++) {
                rows.set(missingAt.get(m), read.get(m));
                cache.put(missing.get(m), read.get(m), readNanos);
            }
        }
        return rows;
    }

    /**
     * The rows of {@code keys} from Redis in one round trip (one per master), unpacked ({@link ServedGroup#unpack}).
     */
    private List<StoredRow> read(List<String> keys, String version) {
        List<String[]> read = redis.read(keys, fields);
        List<StoredRow> rows = new ArrayList<>(read.size());
        for (String[] r : read) {
            rows.add(group.unpack(r, version));
        }
        return rows;
    }
}
