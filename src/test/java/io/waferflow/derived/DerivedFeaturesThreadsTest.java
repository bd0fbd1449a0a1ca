package io.waferflow.derived;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One compiled set shared by many threads, as the server shares it: every answer is the plain-Java one. */
class DerivedFeaturesThreadsTest {

    static final int THREADS = 8;
    static final int ROWS = 20_000;

    @Test
    void manyThreadsEvaluatingOneCompiledSetGetTheSameAnswersAsPlainJava() throws Exception {
        DerivedFeatures derived = DerivedFeatures.compile(
                DerivedFeaturesTest.examples(),
                DerivedFeaturesTest.STORED,
                Map.of("baseline.vdd.mean", 1.15, "baseline.vdd.std", 0.025));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                Callable<Integer> worker = () -> {
                    start.await(); // all threads at once, so their evaluations interleave
                    Random random = new Random(seed);
                    int checked = 0;
                    for (int i = 0; i < ROWS; i++) {
                        double mean = 1 + random.nextDouble() * 0.4;
                        double std = random.nextDouble() * 0.05;
                        double yield = random.nextDouble() * 100;
                        double neighbors = random.nextDouble();
                        Map<String, Double> r = Map.of(
                                "vdd_mean", mean, "vdd_std", std, "yield_pct", yield, "neighbor_yield_avg", neighbors);
                        // The same IEEE operations in the same order: equal to the last bit.
                        assertThat(derived.evaluate("vdd_cv", r::get)).isEqualTo(std / mean);
                        assertThat(derived.evaluate("yield_vs_neighbors", r::get))
                                .isEqualTo(yield - 100 * neighbors);
                        assertThat(derived.evaluate("vdd_z", r::get)).isEqualTo((mean - 1.15) / 0.025);
                        checked++;
                    }
                    return checked;
                };
                results.add(pool.submit(worker));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(ROWS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
