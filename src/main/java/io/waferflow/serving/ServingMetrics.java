package io.waferflow.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters, as Prometheus text ({@code GET /metrics}): requests per endpoint, errors per kind, the latency
 * of feature requests (a histogram, measured in the server from the request's start to its answer being ready),
 * entities served, answers filled from defaults while Redis was away, Redis round trips, and the cache's hits, misses
 * and hit rate.
 */
final class ServingMetrics {

    /** Histogram bounds in seconds: sub-millisecond resolution where the goals are (p99 ≤ 2 ms). */
    static final double[] BUCKETS = {0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder entities = new LongAdder();
    private final LongAdder degraded = new LongAdder();
    private final LongSupplier roundTrips;
    private final LongSupplier cacheHits;
    private final LongSupplier cacheMisses;

    ServingMetrics(LongSupplier roundTrips, LongSupplier cacheHits, LongSupplier cacheMisses) {
        this.roundTrips = roundTrips;
        this.cacheHits = cacheHits;
        this.cacheMisses = cacheMisses;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void request(String endpoint) {
        requests.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void answered(int entityCount, boolean fromDefaults, long nanos) {
        entities.add(entityCount);
        if (fromDefaults) {
            degraded.increment();
        }
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                buckets[i].increment();
                break;
            }
        }
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    String text() {
        StringBuilder out = new StringBuilder(2048);
        header(out, "waferflow_serving_requests_total", "counter", "HTTP requests, by endpoint");
        requests.forEach(
                (endpoint, n) -> sample(out, "waferflow_serving_requests_total", "endpoint", endpoint, n.sum()));
        header(out, "waferflow_serving_errors_total", "counter", "requests answered with an error, by kind");
        errors.forEach((kind, n) -> sample(out, "waferflow_serving_errors_total", "kind", kind, n.sum()));
        header(
                out,
                "waferflow_serving_request_seconds",
                "histogram",
                "time to answer a feature request, measured in the server");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += buckets[i].sum();
            sample(out, "waferflow_serving_request_seconds_bucket", "le", Double.toString(BUCKETS[i]), cumulative);
        }
        long count = latencyCount.sum();
        sample(out, "waferflow_serving_request_seconds_bucket", "le", "+Inf", count);
        out.append("waferflow_serving_request_seconds_sum ")
                .append(latencyNanos.sum() / 1e9)
                .append('\n');
        out.append("waferflow_serving_request_seconds_count ").append(count).append('\n');
        counter(out, "waferflow_serving_entities_total", "entities answered", entities.sum());
        counter(
                out,
                "waferflow_serving_default_answers_total",
                "answers filled from the request's defaults because Redis was unreachable",
                degraded.sum());
        counter(out, "waferflow_serving_redis_round_trips_total", "round trips to Redis", roundTrips.getAsLong());
        long hits = cacheHits.getAsLong();
        long misses = cacheMisses.getAsLong();
        counter(out, "waferflow_serving_cache_hits_total", "rows served from the cache", hits);
        counter(out, "waferflow_serving_cache_misses_total", "rows the cache lacked (read from Redis)", misses);
        header(out, "waferflow_serving_cache_hit_rate", "gauge", "hits / (hits + misses) since start; 0 before any");
        out.append("waferflow_serving_cache_hit_rate ")
                .append(hits + misses == 0 ? 0.0 : (double) hits / (hits + misses))
                .append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String value, long n) {
        out.append(name)
                .append('{')
                .append(label)
                .append("=\"")
                .append(value)
                .append("\"} ")
                .append(n)
                .append('\n');
    }
}
