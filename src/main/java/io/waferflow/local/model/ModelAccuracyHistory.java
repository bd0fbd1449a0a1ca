package io.waferflow.local.model;

import io.waferflow.config.RedisConnection;
import io.waferflow.stores.online.RedisClients;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Accuracy over time, as the monitor job publishes it: the Redis hash of a model version's latest window metrics
 * ({@code <prefix>:model:<model>:<version>}, written by the monitor job) polled now and then, each window's newest
 * revision kept, and printed as one line per window at the end of the demo.
 */
public final class ModelAccuracyHistory {

    private final RedisConnection redis;
    private final String key;
    /** By window start: the newest fields seen. */
    private final TreeMap<Long, Map<String, String>> windows = new TreeMap<>();

    public ModelAccuracyHistory(RedisConnection redis, String keyPrefix, String model, String version) {
        this.redis = redis;
        this.key = key(keyPrefix, model, version);
    }

    public static String key(String keyPrefix, String model, String version) {
        return keyPrefix + ":model:" + model + ":" + version;
    }

    /** Reads the hash once and keeps what it says about its window. */
    public void poll() {
        Map<String, String> h;
        try (Jedis jedis = RedisClients.jedisForKey(redis, key)) {
            h = jedis.hgetAll(key);
        }
        if (h.isEmpty() || h.get("window_start") == null) {
            return;
        }
        long start = Long.parseLong(h.get("window_start"));
        Map<String, String> seen = windows.get(start);
        if (seen == null || revision(h) >= revision(seen)) {
            windows.put(start, h);
        }
    }

    /** The windows seen, oldest first: window end, predictions, labeled, accuracy, and the label-free estimate. */
    public void print(PrintStream out) {
        if (windows.isEmpty()) {
            out.printf("model accuracy        no metrics in Redis under %s (is the monitor job running?)%n", key);
            return;
        }
        out.printf("model accuracy        per window of %s (newest revision seen)%n", key);
        out.printf("  %-22s %11s %8s %9s %10s%n", "window end", "predictions", "labeled", "accuracy", "estimated");
        for (Map<String, String> h : windows.values()) {
            out.printf(
                    "  %-22s %11s %8s %9s %10s%n",
                    Instant.ofEpochMilli(Long.parseLong(h.get("window_end"))),
                    h.getOrDefault("predictions", "-"),
                    h.getOrDefault("labeled", "-"),
                    accuracy(h.get("accuracy")),
                    accuracy(h.get("estimated_accuracy")));
        }
    }

    int windowsSeen() {
        return windows.size();
    }

    private static int revision(Map<String, String> h) {
        String r = h.get("revision");
        return r == null || r.isEmpty() ? 0 : Integer.parseInt(r);
    }

    private static String accuracy(String a) {
        return a == null || a.isEmpty() ? "-" : String.format("%.3f", Double.parseDouble(a));
    }
}
