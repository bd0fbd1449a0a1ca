package io.waferflow.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RedisConnection;
import io.waferflow.config.ServingConfig;
import io.waferflow.report.LivePage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code waferflow serve}: the online store's features over HTTP/JSON, on the JDK's built-in HTTP server (no
 * dependency; BENCHMARKS.md "Serving" has the measurements that chose it).
 *
 * <ul>
 *   <li>{@code POST /v1/features}: many entities in one request, one Redis round trip (one per master in a cluster;
 *       {@link FeatureRequest}, {@link AnswerJson}).
 *   <li>{@code GET /v1/features/{group}/{entity}}: one entity ({@code ?version=&features=a,b&max_age=}).
 *   <li>{@code GET /health}: always answers (no token), and says whether Redis answers a PING.
 *   <li>{@code GET /metrics}: Prometheus text ({@link ServingMetrics}).
 *   <li>{@code GET /ui}: the live page (latest wafers with their maps, drift per parameter, open alerts), a shell
 *       without data that polls {@code GET /ui/state} ({@link LiveState}); the state needs the token, the shell not.
 * </ul>
 *
 * Each feature answer carries {@code Server-Timing: app;dur=<ms>}, the time the server spent on it. Redis unreachable:
 * 503 with {@code Retry-After}, unless the request declared defaults ({@link FeatureLookup}).
 */
public final class FeatureServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DISCARD_FACTOR = 8;
    /** The largest answer buffer a request thread keeps for its next answer (a 1,000-wafer answer is about 2.4 MB). */
    private static final int MAX_KEPT_ANSWER_BYTES = 4 << 20;
    /** How often the live page asks for the state. */
    static final long UI_POLL_MILLIS = 3_000;

    static {
        // The JDK server leaves Nagle's algorithm on by default: a small answer written as headers, then body would
        // wait for the client's delayed ACK (tens of ms). Read once, when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final ServingConfig config;
    private final ServedGroup group;
    private final OnlineRows redis;
    private final RowCache cache;
    private final FeatureLookup lookup;
    private final ServingMetrics metrics;
    private final HttpServer server;
    private final ExecutorService threads;
    private final byte[] expectedAuthorization;
    /** The live page's state; null when started without a job configuration (no parameters, no offline root). */
    private final LiveState live;

    private final ThreadLocal<AnswerBuffer> answerBuffers = ThreadLocal.withInitial(AnswerBuffer::new);

    private FeatureServer(ServingConfig config, RedisConnection connection, ServedGroup group, FeaturesJobConfig job)
            throws IOException {
        this.config = config;
        this.group = group;
        this.redis = new OnlineRows(connection, group.keyPrefix(), config.threads());
        ServingConfig.Cache c = config.cache();
        this.cache = c.enabled() ? new RowCache(c.maxRows(), c.ttl()) : null;
        StreamBaseline baseline = !group.streamBaselineParameters().isEmpty()
                ? new StreamBaseline(redis, group, config.baselineRefresh())
                : null;
        this.lookup = new FeatureLookup(
                group, redis, new ServingPointer(redis, group, config.versionRefresh()), cache, baseline);
        this.metrics = new ServingMetrics(
                redis::roundTrips, cache == null ? () -> 0 : cache::hits, cache == null ? () -> 0 : cache::misses);
        this.expectedAuthorization =
                config.token().isEmpty() ? null : ("Bearer " + config.token().value()).getBytes(StandardCharsets.UTF_8);
        this.live = job == null ? null : new LiveState(redis, group, job, openAlerts(job));
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /** Starts a server for the job configuration's feature group, Redis and {@code serving} section. */
    public static FeatureServer start(FeaturesJobConfig config) throws IOException {
        return start(config.serving(), config.redisConnection(), ServedGroup.of(config), config);
    }

    /** A server of features only: without a job configuration there is no live page ({@code /ui} answers 404). */
    public static FeatureServer start(ServingConfig config, RedisConnection redis, ServedGroup group)
            throws IOException {
        return start(config, redis, group, null);
    }

    private static FeatureServer start(
            ServingConfig config, RedisConnection redis, ServedGroup group, FeaturesJobConfig job) throws IOException {
        FeatureServer s = new FeatureServer(config, redis, group, job);
        s.server.start();
        LOG.info(
                "serving {} on {} (Redis {}, cache {})",
                group.name(),
                s.url(),
                redis,
                config.cache().enabled()
                        ? config.cache().maxRows() + " rows for "
                                + config.cache().ttl()
                        : "off");
        return s;
    }

    /** {@code http://host:port}, with the port actually bound (port 0 in the configuration: a free one). */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String endpoint = "other";
        try {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (path.equals("/health")) {
                endpoint = "health";
                metrics.request(endpoint);
                requireMethod(method, "GET");
                send(ex, 200, "application/json", health());
                return;
            }
            if (path.equals("/ui") && live != null) {
                endpoint = "ui";
                metrics.request(endpoint);
                requireMethod(method, "GET");
                // The shell holds no data (the state does, behind the token): a browser can load it without a header.
                uiHeaders(ex);
                send(
                        ex,
                        200,
                        "text/html; charset=utf-8",
                        LivePage.shell("WaferFlow live: " + group.name(), UI_POLL_MILLIS)
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            authorize(ex);
            if (path.equals("/metrics")) {
                endpoint = "metrics";
                metrics.request(endpoint);
                requireMethod(method, "GET");
                send(
                        ex,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        metrics.text().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals(LivePage.STATE_PATH) && live != null) {
                endpoint = "ui_state";
                metrics.request(endpoint);
                requireMethod(method, "GET");
                LiveState.Snapshot state = live.snapshot();
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("generated_at", state.generatedAt());
                answer.put("tag", state.tag());
                if (!state.tag().equals(query(ex.getRequestURI().getRawQuery()).get("have"))) {
                    answer.put("html", state.html()); // the page shows something else: send what to show
                }
                sendCompressible(ex, JSON.writeValueAsBytes(answer));
            } else if (path.equals("/v1/features")) {
                endpoint = "features";
                metrics.request(endpoint);
                requireMethod(method, "POST");
                answer(ex, FeatureRequest.fromJson(body(ex), group, config.maxEntities()), start);
            } else if (path.startsWith("/v1/features/")) {
                endpoint = "feature";
                metrics.request(endpoint);
                requireMethod(method, "GET");
                String[] parts = path.substring("/v1/features/".length()).split("/", -1);
                if (parts.length != 2) {
                    throw RequestError.notFound("use GET /v1/features/{group}/{entity}");
                }
                // In a path '+' is a plus sign, not a space (as it is in a query).
                answer(
                        ex,
                        FeatureRequest.fromPath(
                                decode(parts[0].replace("+", "%2B")),
                                decode(parts[1].replace("+", "%2B")),
                                query(ex.getRequestURI().getRawQuery()),
                                group),
                        start);
            } else {
                metrics.request(endpoint);
                throw RequestError.notFound("no such endpoint " + path
                        + "; use POST /v1/features, GET /v1/features/{group}/{entity}, GET /health, GET /metrics"
                        + (live == null ? "" : " or GET /ui"));
            }
        } catch (RequestError e) {
            metrics.error(e.kind());
            if (e.status() == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            send(ex, e.status(), "application/json", error(e.getMessage()));
        } catch (OnlineRows.Unavailable e) {
            metrics.error("redis_unavailable");
            ex.getResponseHeaders()
                    .set("Retry-After", Long.toString(config.retryAfter().getSeconds()));
            send(
                    ex,
                    503,
                    "application/json",
                    error("the online store (Redis) is unreachable; retry later, or declare defaults in the request"));
        } catch (RuntimeException e) {
            metrics.error("internal");
            LOG.error("{} {} failed", ex.getRequestMethod(), endpoint, e);
            send(
                    ex,
                    500,
                    "application/json",
                    error("internal error: " + e.getClass().getSimpleName()));
        } finally {
            ex.close();
        }
    }

    private void answer(HttpExchange ex, FeatureRequest request, long start) throws IOException {
        FeatureLookup.Rows rows = lookup.find(request);
        AnswerBuffer body = answerBuffers.get();
        body.reset();
        AnswerJson.write(group, request, rows, System.currentTimeMillis(), body);
        long nanos = System.nanoTime() - start;
        metrics.answered(request.entities().size(), rows.unavailable(), nanos);
        ex.getResponseHeaders().set("Server-Timing", serverTiming(nanos));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.size());
        try (OutputStream out = ex.getResponseBody()) {
            body.writeTo(out);
        }
        if (body.capacity() > MAX_KEPT_ANSWER_BYTES) {
            answerBuffers.remove(); // a rare huge answer: do not keep its buffer
        }
    }

    /** {@code app;dur=<ms>} with three decimals (String.format would build a Formatter per answer). */
    static String serverTiming(long nanos) {
        long micros = Math.round(nanos / 1e3);
        String fraction = Long.toString(1000 + micros % 1000);
        return "app;dur=" + micros / 1000 + "." + fraction.substring(1);
    }

    /**
     * An answer's bytes, reused by its request thread from one answer to the next and written to the connection from
     * where they are: an answer of 100 wafers is about 240 KB, and growing a new buffer for it, then copying it out,
     * was most of the server's allocation (and so of its young collections).
     */
    static final class AnswerBuffer extends ByteArrayOutputStream {
        AnswerBuffer() {
            super(64 * 1024);
        }

        int capacity() {
            return buf.length;
        }
    }

    /**
     * The live page may run its own inline script, style itself inline, show data: images and ask this server for the
     * state; nothing else (no other script, even one smuggled past the escaping, no request elsewhere).
     */
    private static void uiHeaders(HttpExchange ex) {
        ex.getResponseHeaders()
                .set(
                        "Content-Security-Policy",
                        "default-src 'none'; script-src " + LivePage.scriptHash(UI_POLL_MILLIS)
                                + "; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none';"
                                + " form-action 'none'; frame-ancestors 'none'");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
    }

    /** Open alerts from the job's alert topic, or null when it writes none (the page then says so). */
    private static OpenAlerts openAlerts(FeaturesJobConfig job) {
        String topic = job.alerts().kafkaTopic();
        return topic.isEmpty() ? null : new OpenAlerts(job.kafkaClient(), topic);
    }

    private byte[] health() {
        return ("{\"status\":\"up\",\"redis\":\"" + (redis.ping() ? "up" : "down") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The configured token, compared in constant time (no timing hint of how much of a guess was right). */
    private void authorize(HttpExchange ex) {
        if (expectedAuthorization == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            throw RequestError.unauthorized(
                    given == null
                            ? "missing Authorization header: send \"Authorization: Bearer <token>\""
                            : "wrong bearer token");
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw RequestError.methodNotAllowed("use " + expected + ", not " + method);
        }
    }

    /** The request body as JSON, read no further than {@code max_body_bytes}. */
    private JsonNode body(HttpExchange ex) throws IOException {
        int max = config.maxBodyBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > max) {
            discard(ex.getRequestBody(), max);
            throw RequestError.tooLarge("request body of " + length.trim() + " bytes; at most " + max);
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                discard(in, max);
                throw RequestError.tooLarge("request body over " + max + " bytes; at most " + max);
            }
        }
        if (bytes.length == 0) {
            throw RequestError.badRequest(
                    "the request body is empty: send a JSON object with feature_group and" + " entities");
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw RequestError.badRequest("the request body is not valid JSON: "
                    + e.getOriginalMessage().split("\n")[0]);
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to {@value #DISCARD_FACTOR} times the limit: a connection
     * closed with unread data is reset, and the reset would destroy the 413 before the client read it. A body larger
     * than that is not read (its client may see a reset instead of the 413).
     */
    private static void discard(InputStream in, int max) throws IOException {
        long budget = (long) DISCARD_FACTOR * max;
        byte[] buffer = new byte[8192];
        int n;
        while (budget > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, budget))) > 0) {
            budget -= n;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RequestError.badRequest("badly escaped URL part '" + s + "'");
        }
    }

    private static byte[] error(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON answer, gzipped when the client takes it: the live page's wafer maps are hundreds of KB of repetitive SVG,
     * a tenth of that compressed.
     */
    private static void sendCompressible(HttpExchange ex, byte[] body) throws IOException {
        String accepted = ex.getRequestHeaders().getFirst("Accept-Encoding");
        ex.getResponseHeaders().set("Vary", "Accept-Encoding");
        if (body.length < 1024
                || accepted == null
                || !accepted.toLowerCase(Locale.ROOT).contains("gzip")) {
            send(ex, 200, "application/json", body);
            return;
        }
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream(body.length / 8);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write(body);
        }
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
        send(ex, 200, "application/json", zipped.toByteArray());
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops accepting, lets requests in flight finish (at most a second), and closes the Redis connections. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (live != null) {
            live.close();
        }
        redis.close();
    }
}
