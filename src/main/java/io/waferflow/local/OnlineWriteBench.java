package io.waferflow.local;

import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.online.RedisStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import redis.clients.jedis.Jedis;

/**
 * {@code bench --online-writes}: one writer thread against a local redis-server on loopback, writing feature rows of
 * the job's shape (4 parameters: 43 fields) three ways, alternating, and printing rows/s (median) and round trips per
 * row of each: one HSET per field and an EXPIRE (what Bahir's sink did: 44 round trips a row), one script call per row
 * (unpipelined), and the job's writer, {@link RedisStore#writeAll}, in batches of {@code batchRows}.
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
        List<Double> batched = new ArrayList<>();
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
                double c = batched(store, input);
                perField.add(a);
                perRow.add(b);
                batched.add(c);
                System.out.printf(
                        "run %d: per field %,.0f rows/s   script per row %,.0f rows/s   pipelined %,.0f rows/s%n",
                        run, a, b, c);
            }
        }
        int fields = input.get(0).fields.length;
        System.out.printf("%nmedian of %d runs (rows/s, round trips per row):%n", runs);
        System.out.printf("  HSET per field + EXPIRE   %,10.0f   %d%n", median(perField), fields + 1);
        System.out.printf("  one script call per row   %,10.0f   1%n", median(perRow));
        System.out.printf(
                "  pipelined, %4d per batch  %,10.0f   %.4f (%.1fx per-field, %.1fx per-row)%n",
                batchRows,
                median(batched),
                1.0 / batchRows,
                median(batched) / median(perField),
                median(batched) / median(perRow));
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

    private double batched(RedisStore store, List<RedisHashWrite> input) {
        long start = System.nanoTime();
        for (int from = 0; from < input.size(); from += batchRows) {
            store.writeAll(input.subList(from, Math.min(input.size(), from + batchRows)));
        }
        return input.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** Rows like the features job's: every feature of 4 parameters, then the row's metadata. */
    private static List<RedisHashWrite> rows(int n) {
        FeatureColumns columns = new FeatureColumns(List.of("vdd", "idd", "freq", "temp"));
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
