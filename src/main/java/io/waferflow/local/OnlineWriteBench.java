package io.waferflow.local;

import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.online.RedisStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * {@code bench --online-writes}: one writer thread against a local redis-server on loopback, writing feature rows of
 * the job's shape (4 parameters: 38 features and 7 metadata fields) five ways, alternating, and printing rows/s
 * (median) and round trips per row of each: one HSET per field and an EXPIRE (what Bahir's sink did: 46 round trips a
 * row), one script call per row (unpipelined), and {@link RedisStore#writeAll} in batches of {@code batchRows}: with a
 * hash field per feature (the layout before packing), one row a script call; with the features packed into one field
 * ({@link PackedFeatures}), one row a call (as in a cluster); and packed, {@link RedisStore#ROWS_PER_CALL} rows a call
 * (the job's writer outside a cluster), into an empty Redis (every row a new key, as every path here) and once more
 * over the same keys (a wafer's next window: Redis creates no key, and keeps the hash it had).
 */
final class OnlineWriteBench {

    private final int rows;
    private final int runs;
    private final int batchRows;

    OnlineWriteBench(int rows, int runs, int batchRows) {
        this.rows = rows;
        this.runs = runs;
        this.batchRows = batchRows;
    }

    void run() throws Exception {
        List<RedisHashWrite> input = rows(rows);
        List<RedisHashWrite> packed = packed(input);
        // The per-field path is ~40 times slower: fewer rows keep its runs as short as the others'.
        List<RedisHashWrite> perFieldInput = input.subList(0, Math.max(1, rows / 40));
        System.out.printf(
                "online writes: %,d rows of %d fields, one writer thread, batches of %d, %d cores%n",
                rows,
                input.get(0).fields.length,
                batchRows,
                Runtime.getRuntime().availableProcessors());
        List<Double> perField = new ArrayList<>();
        List<Double> perRow = new ArrayList<>();
        List<Cost> batched = new ArrayList<>();
        List<Cost> batchedPacked = new ArrayList<>();
        List<Cost> batchedPackedOne = new ArrayList<>();
        List<Cost> rewritten = new ArrayList<>();
        try (LocalRedis redis = LocalRedis.start();
                RedisStore store = RedisStore.connect(redis.connection());
                Jedis jedis = RedisClients.jedis(redis.connection())) {
            store.writeAll(input.subList(0, Math.min(rows, 5_000))); // warm-up: JIT, script cache
            for (int run = 1; run <= runs; run++) {
                jedis.flushAll();
                double a = perField(jedis, perFieldInput);
                jedis.flushAll();
                double b = perRow(store, input);
                jedis.flushAll();
                Cost c = batched(store, jedis, input, 1);
                jedis.flushAll();
                Cost d = batched(store, jedis, packed, 1);
                jedis.flushAll();
                Cost e = batched(store, jedis, packed, RedisStore.ROWS_PER_CALL);
                // The same wafers again (a wafer's next window, a revision): every key exists now.
                Cost f = batched(store, jedis, packed, RedisStore.ROWS_PER_CALL);
                perField.add(a);
                perRow.add(b);
                batched.add(c);
                batchedPackedOne.add(d);
                batchedPacked.add(e);
                rewritten.add(f);
                System.out.printf(
                        "run %d: per field %,.0f rows/s   script per row %,.0f   pipelined %,.0f   packed %,.0f"
                                + "   packed, %d rows a call %,.0f   rewriting them %,.0f%n",
                        run,
                        a,
                        b,
                        c.rowsPerSecond,
                        d.rowsPerSecond,
                        RedisStore.ROWS_PER_CALL,
                        e.rowsPerSecond,
                        f.rowsPerSecond);
            }
        }
        int fields = input.get(0).fields.length;
        System.out.printf("%nmedian of %d runs (rows/s, round trips per row):%n", runs);
        System.out.printf("  HSET per field + EXPIRE   %,10.0f   %d%n", median(perField), fields + 1);
        System.out.printf("  one script call per row   %,10.0f   1%n", median(perRow));
        System.out.printf(
                "  pipelined, %4d per batch  %,10.0f   %.4f (%.1fx per-field, %.1fx per-row)%n",
                batchRows,
                median(rowsPerSecond(batched)),
                1.0 / batchRows,
                median(rowsPerSecond(batched)) / median(perField),
                median(rowsPerSecond(batched)) / median(perRow));
        System.out.printf(
                "  ... features packed       %,10.0f   %.4f (%.1fx pipelined with a field per feature)%n",
                median(rowsPerSecond(batchedPackedOne)),
                1.0 / batchRows,
                median(rowsPerSecond(batchedPackedOne)) / median(rowsPerSecond(batched)));
        System.out.printf(
                "  ... %2d rows a script call %,10.0f   %.4f (%.1fx packed, one row a call: the job's writer)%n",
                RedisStore.ROWS_PER_CALL,
                median(rowsPerSecond(batchedPacked)),
                1.0 / batchRows,
                median(rowsPerSecond(batchedPacked)) / median(rowsPerSecond(batchedPackedOne)));
        System.out.printf(
                "  ... rewriting those rows  %,10.0f   %.4f (%.1fx writing them new)%n",
                median(rowsPerSecond(rewritten)),
                1.0 / batchRows,
                median(rowsPerSecond(rewritten)) / median(rowsPerSecond(batchedPacked)));
        System.out.printf("%nwhat a pipelined row costs (median µs; rows/s one core of each could take):%n");
        for (var path : List.of(
                Map.entry("a field per feature", batched),
                Map.entry("packed", batchedPackedOne),
                Map.entry("packed, " + RedisStore.ROWS_PER_CALL + " a call", batchedPacked),
                Map.entry("... rewriting them", rewritten))) {
            double client =
                    median(path.getValue().stream().map(Cost::clientMicros).toList());
            double server =
                    median(path.getValue().stream().map(Cost::redisMicros).toList());
            System.out.printf(
                    "  %-20s writer thread CPU %5.2f (%,9.0f/s)   Redis, the row script %5.2f (%,9.0f/s)%n",
                    path.getKey(), client, 1e6 / client, server, 1e6 / server);
        }
    }

    /**
     * One pipelined path's run: rows/s on the wall clock, and per row the writer thread's CPU time and Redis's own time
     * in the row script ({@code INFO commandstats}): on a shared machine the wall clock moves with the load, these
     * less, and the slower of the two bounds what one writer and one Redis core can take.
     */
    record Cost(double rowsPerSecond, double clientMicros, double redisMicros) {}

    private static List<Double> rowsPerSecond(List<Cost> costs) {
        return costs.stream().map(Cost::rowsPerSecond).toList();
    }

    /** The same rows as the job writes them: the features packed into one field, then the metadata. */
    private static List<RedisHashWrite> packed(List<RedisHashWrite> perField) {
        int features = COLUMNS.size();
        String[] openings = PackedFeatures.openings(COLUMNS.names());
        List<RedisHashWrite> out = new ArrayList<>(perField.size());
        for (RedisHashWrite w : perField) {
            String[] fields = new String[1 + w.fields.length - features];
            String[] values = new String[fields.length];
            fields[0] = OnlineKeys.FEATURES;
            values[0] = PackedFeatures.pack(openings, Arrays.copyOf(w.values, features));
            System.arraycopy(w.fields, features, fields, 1, fields.length - 1);
            System.arraycopy(w.values, features, values, 1, fields.length - 1);
            out.add(new RedisHashWrite(w.key, fields, values, w.ttlSeconds, w.windowEnd));
        }
        return out;
    }

    private static double perField(Jedis jedis, List<RedisHashWrite> input) {
        long start = System.nanoTime();
        for (RedisHashWrite w : input) {
            for (int f = 0; f < w.fields.length; f++) {
                jedis.hset(w.key, w.fields[f], w.values[f]);
            }
            jedis.expire(w.key, w.ttlSeconds);
        }
        return input.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double perRow(RedisStore store, List<RedisHashWrite> input) {
        long start = System.nanoTime();
        for (RedisHashWrite w : input) {
            store.write(w);
        }
        return input.size() / ((System.nanoTime() - start) / 1e9);
    }

    private Cost batched(RedisStore store, Jedis jedis, List<RedisHashWrite> input, int rowsPerCall) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        jedis.configResetStat();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int from = 0; from < input.size(); from += batchRows) {
            store.writeAll(input.subList(from, Math.min(input.size(), from + batchRows)), rowsPerCall);
        }
        long wall = System.nanoTime() - start;
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        return new Cost(input.size() / (wall / 1e9), cpu / 1e3 / input.size(), scriptMicros(jedis) / input.size());
    }

    /** Redis's time in EVALSHA since the last {@code CONFIG RESETSTAT}, in µs ({@code INFO commandstats}). */
    private static double scriptMicros(Jedis jedis) {
        Matcher m = Pattern.compile("cmdstat_evalsha:calls=\\d+,usec=(\\d+)").matcher(jedis.info("commandstats"));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static final FeatureColumns COLUMNS = new FeatureColumns(List.of("vdd", "idd", "freq", "temp"));

    /** Rows like the features job's, a hash field per feature: every feature of 4 parameters, then the metadata. */
    private static List<RedisHashWrite> rows(int n) {
        FeatureColumns columns = COLUMNS;
        String[] metadata = FeatureRowToRedis.METADATA_FIELDS.toArray(String[]::new);
        Random random = new Random(42);
        List<RedisHashWrite> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = columns.size() + metadata.length;
            String[] fields = new String[size];
            String[] values = new String[size];
            for (int c = 0; c < columns.size(); c++) {
                fields[c] = columns.names().get(c);
                values[c] = Double.toString(random.nextGaussian() * 10 + 100);
            }
            long windowEnd = 1_800_000_000_000L + i;
            String[] meta = {
                "LOT" + i / 25,
                Long.toString(windowEnd - 60_000),
                Long.toString(windowEnd),
                "0",
                "v1",
                "bench",
                Long.toString(System.currentTimeMillis())
            };
            System.arraycopy(metadata, 0, fields, columns.size(), metadata.length);
            System.arraycopy(meta, 0, values, columns.size(), metadata.length);
            out.add(new RedisHashWrite(
                    OnlineKeys.key("wf", "wafer_aggregates", "v1", String.format("W%07d", i)),
                    fields,
                    values,
                    86_400,
                    windowEnd));
        }
        return out;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
