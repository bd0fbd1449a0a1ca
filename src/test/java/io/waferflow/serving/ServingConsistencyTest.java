package io.waferflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.serving.FeatureClient.EntityFeatures;
import io.waferflow.stores.online.OnlineKeys;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.online.RedisStore;
import io.waferflow.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers hammer the feature API while the job's write path ({@link RedisStore#writeAll}, the pipelined row script)
 * writes window after window of the same wafers: no answer ever holds fields of two windows for one wafer. Every field
 * of window {@code k} holds {@code k}, so a mixed row shows as a value that differs from its row's window.
 */
class ServingConsistencyTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final long WINDOW = 60_000;
    private static final int WAFERS = 50;
    private static final int READERS = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void anAnswerNeverMixesFieldsOfTwoWindows() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"))) {
            ServingFixture s = new ServingFixture(redis);
            List<String> features = s.features();
            List<String> wafers = new ArrayList<>();
            for (int w = 0; w < WAFERS; w++) {
                wafers.add(String.format("C%03d", w));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lastWindow = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(1 + READERS);
            try (RedisStore store = RedisStore.connect(s.config.redisConnection())) {
                Future<?> writer = threads.submit(() -> {
                    for (long k = 1; !stop.get(); k++) {
                        List<RedisHashWrite> rows = new ArrayList<>();
                        for (String wafer : wafers) {
                            rows.add(row(s, features, wafer, k));
                        }
                        store.writeAll(rows);
                        lastWindow.set(k);
                    }
                    return null;
                });
                AtomicLong checked = new AtomicLong();
                AtomicLong mixed = new AtomicLong();
                Map<String, Set<Long>> windowsSeen = new ConcurrentHashMap<>();
                List<Future<?>> readers = new ArrayList<>();
                long deadline = System.nanoTime() + 4_000_000_000L;
                for (int r = 0; r < READERS; r++) {
                    readers.add(threads.submit(() -> {
                        FeatureClient client = s.client();
                        while (System.nanoTime() < deadline) {
                            for (EntityFeatures e : client.features(
                                            FeatureClient.Request.of(ServingFixture.GROUP, wafers)
                                                    .withVersion("v1"))
                                    .results()) {
                                if (e.windowEnd() == null) {
                                    continue; // not written yet
                                }
                                long k = (e.windowEnd() - T0) / WINDOW;
                                windowsSeen
                                        .computeIfAbsent(e.entity(), x -> ConcurrentHashMap.newKeySet())
                                        .add(k);
                                for (Double v : e.values().values()) {
                                    if (v == null || v != k) {
                                        mixed.incrementAndGet();
                                    }
                                }
                                if (e.revision() == null || e.revision() != k % 7) {
                                    mixed.incrementAndGet();
                                }
                                checked.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> reader : readers) {
                    reader.get();
                }
                stop.set(true);
                writer.get();

                assertThat(mixed.get())
                        .as("values of another window than their row's")
                        .isZero();
                assertThat(checked.get()).as("wafer rows checked").isGreaterThan(1_000);
                assertThat(lastWindow.get())
                        .as("windows written while they read")
                        .isGreaterThan(20);
                Set<Long> distinct = new HashSet<>(windowsSeen.get(wafers.get(0)));
                assertThat(distinct.size())
                        .as("windows of one wafer the readers saw change under them")
                        .isGreaterThan(5);
            } finally {
                stop.set(true);
                threads.shutdownNow();
                s.close();
            }
        }
    }

    /** Window {@code k} of a wafer: every feature holds {@code k}, the window ends at {@code T0 + k} minutes. */
    private static RedisHashWrite row(ServingFixture s, List<String> features, String wafer, long k) {
        long windowEnd = T0 + k * WINDOW;
        String[] featureValues = new String[features.size()];
        Arrays.fill(featureValues, Long.toString(k));
        String[] fields = {
            OnlineKeys.FEATURES,
            OnlineKeys.WINDOW_START,
            OnlineKeys.WINDOW_END,
            OnlineKeys.REVISION,
            OnlineKeys.FEATURE_VERSION
        };
        String[] values = {
            PackedFeatures.pack(PackedFeatures.openings(features), featureValues),
            Long.toString(windowEnd - WINDOW),
            Long.toString(windowEnd),
            Long.toString(k % 7),
            "v1"
        };
        return new RedisHashWrite(s.key("v1", wafer), fields, values, 600, windowEnd);
    }
}
