package io.waferflow.local;

import io.waferflow.derived.DerivedFeatures;
import io.waferflow.model.FeatureColumns;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

/**
 * A micro-measure (no JMH) of {@link DerivedFeatures}: nanoseconds per derived value for the three shipped examples
 * over rows held as {@code Map<String, Double>} (as a server holds an entity's fetched fields), on one thread and on
 * several sharing one compiled set, beside the same formulas in plain Java over the same maps. CPU time per row in
 * timed rounds after a warm-up; the median round is printed. Run: {@code java -cp <classpath>
 * io.waferflow.local.DerivedFeaturesBench [threads]}; the result is in BENCHMARKS.md.
 */
public final class DerivedFeaturesBench {

    private static final int ROWS = 4096;
    private static final int ROUNDS = 7;
    private static final long ROUND_NANOS = 1_000_000_000L;

    private DerivedFeaturesBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Map<String, String> definitions = new LinkedHashMap<>();
        definitions.put("vdd_cv", "vdd_std / vdd_mean");
        definitions.put("yield_vs_neighbors", "yield_pct - 100 * neighbor_yield_avg");
        definitions.put("vdd_z", "(vdd_mean - baseline.vdd.mean) / baseline.vdd.std");
        List<String> stored = new FeatureColumns(List.of("vdd", "idd", "frequency", "temperature")).names();
        DerivedFeatures derived = DerivedFeatures.compile(
                definitions, stored, Map.of("baseline.vdd.mean", 1.2, "baseline.vdd.std", 0.03));
        List<Map<String, Double>> rows = rows(stored);
        List<String> names = derived.names();

        ToDoubleFunction<Map<String, Double>> perEntity = r -> {
            double sum = 0;
            for (String name : names) {
                Double v = derived.evaluate(name, r::get);
                sum += v == null ? 0 : v;
            }
            return sum;
        };
        ToDoubleFunction<Map<String, Double>> offlineRow = r -> {
            double sum = 0;
            for (Double v : derived.evaluateRow(r).values()) {
                sum += v == null ? 0 : v;
            }
            return sum;
        };
        ToDoubleFunction<Map<String, Double>> plainJava = r -> r.get("vdd_std") / r.get("vdd_mean")
                + (r.get("yield_pct") - 100 * r.get("neighbor_yield_avg"))
                + (r.get("vdd_mean") - 1.2) / 0.03;

        System.out.printf(
                "derived features: %d expressions, %d rows of %d stored columns%n", names.size(), ROWS, stored.size());
        // A server evaluates a row it has just read from Redis, in cache: one row over and over is that case; the
        // 4,096 rows (about 12 MB of maps) are the other extreme, a cache miss for most lookups.
        List<Map<String, Double>> hot = rows.subList(0, 1);
        report("plain Java, 1 thread, row in cache", measure(plainJava, hot, 1), names.size());
        report("evaluate(name, row::get), 1 thread, row in cache", measure(perEntity, hot, 1), names.size());
        report("plain Java, 1 thread", measure(plainJava, rows, 1), names.size());
        report("evaluate(name, row::get), 1 thread", measure(perEntity, rows, 1), names.size());
        report("evaluateRow(row), 1 thread", measure(offlineRow, rows, 1), names.size());
        report("evaluate(name, row::get), " + threads + " threads", measure(perEntity, rows, threads), names.size());
    }

    private static List<Map<String, Double>> rows(List<String> stored) {
        Random random = new Random(42);
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Double> r = new HashMap<>();
            for (String c : stored) {
                r.put(c, random.nextDouble());
            }
            r.put("vdd_mean", 1.1 + random.nextDouble() * 0.2);
            r.put("yield_pct", random.nextDouble() * 100);
            rows.add(r);
        }
        return rows;
    }

    /** Median CPU nanoseconds per row over the rounds; with several threads, the mean of the threads' costs. */
    private static double measure(ToDoubleFunction<Map<String, Double>> f, List<Map<String, Double>> rows, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double[] rounds = new double[ROUNDS];
            for (int round = -2; round < ROUNDS; round++) { // two rounds of warm-up
                List<Future<double[]>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> run(f, rows)));
                }
                double nanosPerRow = 0;
                double sink = 0;
                for (Future<double[]> r : results) {
                    nanosPerRow += r.get()[0] / threads;
                    sink += r.get()[1];
                }
                if (sink == 42) {
                    System.out.print(""); // keeps the JIT from dropping the work
                }
                if (round >= 0) {
                    rounds[round] = nanosPerRow;
                }
            }
            Arrays.sort(rounds);
            return rounds[ROUNDS / 2];
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Rows for a second of wall time; the cost per row in this thread's CPU time, which other processes on a shared
     * machine inflate far less than wall time.
     */
    private static double[] run(ToDoubleFunction<Map<String, Double>> f, List<Map<String, Double>> rows) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long startCpu = cpu.getCurrentThreadCpuTime();
        long done = 0;
        double sink = 0;
        while (System.nanoTime() - start < ROUND_NANOS) {
            for (Map<String, Double> r : rows) {
                sink += f.applyAsDouble(r);
            }
            done += rows.size();
        }
        return new double[] {(cpu.getCurrentThreadCpuTime() - startCpu) / (double) done, sink};
    }

    private static void report(String what, double nanosPerRow, int expressions) {
        System.out.printf(
                "  %-50s %7.1f ns per row, %6.1f ns per derived value%n", what, nanosPerRow, nanosPerRow / expressions);
    }
}
