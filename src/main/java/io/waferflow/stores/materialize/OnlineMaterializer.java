package io.waferflow.stores.materialize;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowFiles;
import io.waferflow.stores.offline.OfflineFeatureRow;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.online.RedisReader;
import io.waferflow.stores.online.RedisStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.flink.core.fs.Path;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes each entity's newest final offline row of the configured group and version to the online store, where it is
 * newer than what Redis holds: for a Redis that lost its data (restarted without persistence: the job writes a wafer
 * again only at its next window) and for a version whose history a backfill wrote.
 *
 * <p>A row is the job's own: {@link FeatureRowToRedis} builds it (same key, fields, metadata and TTL), with the
 * {@code job_version} of the job that computed it, and {@link RedisStore#write} writes it, whose script refuses a row
 * older than the stored one (window end, then revision). So it is safe beside a running job: if the job writes a newer
 * window first, that stays; the job's later windows overwrite the materialized one as they always would. Before
 * writing, the stored window and revision are read ({@link RedisReader}: {@link #BATCH} keys per pipelined round trip,
 * in a cluster one per master) so a row Redis already holds is not rewritten, and a second run writes nothing; a row an
 * earlier release wrote a field per feature (no packed {@code features} field) is rewritten in the packed layout. Works
 * in every {@code redis.mode}.
 *
 * <p>{@code updated_at} says, as for every row, when the row was written to Redis: by materialize, at the time it
 * wrote. How old the values are is {@code window_end}. The TTL ({@code redis.ttl}) counts from that write too.
 */
public final class OnlineMaterializer {

    /** Keys whose stored window is read in one pipelined round trip. */
    static final int BATCH = 500;

    private final FeaturesJobConfig config;
    private final FeatureColumns columns;
    /** The job's row mapping, one per job version found in the rows (written into each row's metadata). */
    private final Map<String, FeatureRowToRedis> toRedis = new HashMap<>();

    public OnlineMaterializer(FeaturesJobConfig config) {
        this.config = config;
        this.columns = new FeatureColumns(config.schema().parameterNames());
    }

    /** Where the rows are read from. */
    public String source() {
        return new FeatureRowFiles(config).directory();
    }

    /** Reads the committed rows and writes each entity's newest one where Redis holds an older one or none. */
    public MaterializeReport run(@Nullable Instant since) throws IOException {
        long start = System.nanoTime();
        FeatureRowFiles files = new FeatureRowFiles(config);
        List<Path> committed = files.committed();
        NewestRows newest = new NewestRows();
        for (Path file : committed) {
            files.read(file, newest::add);
        }
        long sinceMillis = since == null ? Long.MIN_VALUE : since.toEpochMilli();
        List<OfflineFeatureRow> due = newest.rows().stream()
                .filter(r -> r.features().windowEnd >= sinceMillis)
                .sorted(Comparator.comparing(r -> r.features().waferId))
                .toList();
        long[] outcome = new long[Held.values().length];
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setJmxEnabled(false);
        try (RedisStore store = RedisStore.connect(config.redisConnection());
                RedisReader reader = RedisReader.open(config.redisConnection(), pool)) {
            for (int from = 0; from < due.size(); from += BATCH) {
                List<RedisHashWrite> batch = new ArrayList<>();
                for (OfflineFeatureRow r : due.subList(from, Math.min(due.size(), from + BATCH))) {
                    batch.add(toRedis(r));
                }
                List<Held> held = held(reader, batch);
                List<RedisHashWrite> older = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (held.get(i) == Held.OLDER_OR_NONE) {
                        older.add(batch.get(i));
                    } else {
                        outcome[held.get(i).ordinal()]++;
                    }
                }
                // One pipelined round trip; a row refused here met a newer window the job wrote since the read.
                for (boolean written : write(store, older, outcome[Held.WRITTEN.ordinal()])) {
                    outcome[(written ? Held.WRITTEN : Held.NEWER).ordinal()]++;
                }
            }
        }
        return new MaterializeReport(
                committed.size(),
                newest.rowsRead(),
                newest.rows().size(),
                outcome[Held.WRITTEN.ordinal()],
                outcome[Held.SAME.ordinal()],
                outcome[Held.NEWER.ordinal()],
                newest.rows().size() - due.size(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private RedisHashWrite toRedis(OfflineFeatureRow row) {
        return toRedis.computeIfAbsent(
                        row.jobVersion(),
                        jobVersion -> new FeatureRowToRedis(
                                columns,
                                config.redisKeyPrefix(),
                                config.featureGroup(),
                                config.featureVersion(),
                                jobVersion,
                                (int) config.redisTtl().getSeconds()))
                .map(row.features());
    }

    private static boolean[] write(RedisStore store, List<RedisHashWrite> rows, long writtenSoFar) {
        try {
            return store.writeAll(rows);
        } catch (JedisException e) {
            // Rows are full upserts that never replace a newer one: running the command again is safe.
            throw new IllegalStateException(
                    "Redis " + store + " failed writing " + rows.size() + " rows after " + writtenSoFar + " written ("
                            + RedisStore.rootCause(e) + "); run materialize again once it answers",
                    e);
        }
    }

    /** What Redis holds of a row's key, compared as the write script compares (window end, then revision). */
    private enum Held {
        OLDER_OR_NONE,
        SAME,
        NEWER,
        WRITTEN
    }

    private static List<Held> held(RedisReader reader, List<RedisHashWrite> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        batch.forEach(w -> keys.add(w.key));
        List<String[]> stored = reader.read(keys, OnlineKeys.WINDOW_END, OnlineKeys.REVISION, OnlineKeys.FEATURES);
        List<Held> held = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String[] s = stored.get(i);
            // A row without packed features was written per field, before packing: rewritten as the job writes now.
            held.add(s[2] == null ? Held.OLDER_OR_NONE : compare(parse(s[0]), parse(s[1]), batch.get(i)));
        }
        return held;
    }

    private static Held compare(@Nullable Long storedEnd, @Nullable Long storedRevision, RedisHashWrite row) {
        if (storedEnd == null || storedEnd < row.windowEnd) {
            return Held.OLDER_OR_NONE;
        }
        if (storedEnd > row.windowEnd) {
            return Held.NEWER;
        }
        long revision = Long.parseLong(valueOf(row, OnlineKeys.REVISION));
        if (storedRevision == null || storedRevision < revision) {
            return Held.OLDER_OR_NONE;
        }
        return storedRevision > revision ? Held.NEWER : Held.SAME;
    }

    private static String valueOf(RedisHashWrite w, String field) {
        for (int i = 0; i < w.fields.length; i++) {
            if (w.fields[i].equals(field)) {
                return w.values[i];
            }
        }
        throw new IllegalStateException(w.key + " has no " + field);
    }

    @Nullable
    private static Long parse(@Nullable String stored) {
        try {
            return stored == null ? null : Long.valueOf(stored);
        } catch (NumberFormatException e) {
            return null; // not a row the job wrote: the script overwrites it too
        }
    }
}
