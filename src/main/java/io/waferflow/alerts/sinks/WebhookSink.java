package io.waferflow.alerts.sinks;

import io.waferflow.alerts.Alert;
import io.waferflow.config.Secret;
import io.waferflow.model.AlertJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * POSTs each alert to an HTTP endpoint: the flat alert JSON ({@link Format#JSON}) or a Slack incoming-webhook payload
 * ({@link Format#SLACK}), with {@code Content-Type: application/json}, {@code Idempotency-Key: <notification id>} and,
 * if configured, a secret token ({@code Authorization: Bearer <token>}, or the token as is in another header).
 *
 * <p>Neither the token nor the secret parts of the URL appear in logs or exceptions: the endpoint is named by its
 * scheme, host, port and first path segment only (a Slack incoming-webhook URL carries its secret in the path, other
 * receivers in the query or in user information).
 *
 * <p><b>Delivery: at least once, in order, without holding the job back</b> ({@link WebhookWriter}). Each alert gets
 * {@code maxAttempts} attempts in place with exponential backoff ({@code initialBackoff · 2^(attempt−1)}, at most
 * {@link #MAX_BACKOFF}, longer if a 429 says {@code Retry-After}); one that still fails (5xx, 429, I/O error) waits in
 * the writer's checkpointed state and is retried on a timer until the receiver takes it, so a receiver that is down for
 * minutes loses nothing and the job neither stops nor restarts. Receivers drop duplicates (a notification re-sent after
 * a failover) by the {@code Idempotency-Key} header (= {@code notification_id}, stable across replays). Any other
 * status (a 4xx: bad URL, revoked token, payload refused; a 3xx: redirects are not followed for POSTs) fails the job at
 * once, since repeating the same request cannot succeed.
 *
 * <p>The attempts in place block the sink's task, and with it the job's checkpoints, for up to
 * {@link #worstCaseDelay()} on the first alert that meets a failing receiver (later ones queue behind it without an
 * attempt in place): keep that below the Kafka sinks' {@code transaction.timeout.ms} minus the checkpoint interval,
 * which the job checks at start-up. The {@link HttpClient} is created per writer, so the sink stays serializable.
 */
public final class WebhookSink implements Sink<Alert>, SupportsWriterState<Alert, Alert> {

    private static final long serialVersionUID = 1L;

    /** The longest wait between two attempts, whatever the attempt number or a Retry-After header says. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** The request body: the flat alert JSON, or a Slack incoming-webhook payload. */
    public enum Format {
        JSON,
        SLACK
    }

    private final URI url;
    private final Format format;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final String runbookBaseUrl;
    private final String tokenHeader;
    private final Secret token;

    /**
     * @param url http(s) endpoint, e.g. a Slack incoming-webhook URL
     * @param timeout for connecting and, separately, for the whole response of one attempt
     * @param maxAttempts attempts per alert (1 = no retry)
     * @param initialBackoff the wait after the first failed attempt; doubled after each further one
     */
    public WebhookSink(String url, Format format, Duration timeout, int maxAttempts, Duration initialBackoff) {
        this(parseUrl(url), format, timeout, maxAttempts, initialBackoff, null, "Authorization", Secret.none());
    }

    private WebhookSink(
            URI url,
            Format format,
            Duration timeout,
            int maxAttempts,
            Duration initialBackoff,
            String runbookBaseUrl,
            String tokenHeader,
            Secret token) {
        if (format == null) {
            throw new IllegalArgumentException("webhook format is missing: use JSON or SLACK");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("webhook timeout must be positive, e.g. 10 s (was " + timeout + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhook max attempts must be at least 1 (was " + maxAttempts + ")");
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException(
                    "webhook initial backoff must be zero or more, e.g. 1 s (was " + initialBackoff + ")");
        }
        this.url = url;
        this.format = format;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.runbookBaseUrl = runbookBaseUrl;
        this.tokenHeader = tokenHeader;
        this.token = token;
    }

    /** Slack format only: link runbooks under this base URL (e.g. the repository's web URL + {@code /blob/main/}). */
    public WebhookSink withRunbookBaseUrl(String baseUrl) {
        return new WebhookSink(url, format, timeout, maxAttempts, initialBackoff, baseUrl, tokenHeader, token);
    }

    /**
     * Sends {@code token} with every request: as {@code Authorization: Bearer <token>} when {@code header} is
     * {@code Authorization}, else as the value of {@code header} (e.g. {@code X-Webhook-Token}). An empty token: none.
     */
    public WebhookSink withToken(String header, Secret token) {
        if (header == null || !header.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("webhook token header '" + header + "' is not an HTTP header name");
        }
        return new WebhookSink(
                url,
                format,
                timeout,
                maxAttempts,
                initialBackoff,
                runbookBaseUrl,
                header,
                token == null ? Secret.none() : token);
    }

    /** The endpoint as messages show it: scheme, host, port and first path segment (secrets live in the rest). */
    static String shown(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        int second = path.indexOf('/', 1);
        boolean cut = second > 0 && second < path.length() - 1;
        String shownPath = cut ? path.substring(0, second + 1) + "…" : path;
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + shownPath
                + (url.getRawQuery() == null ? "" : "?…");
    }

    private static URI parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "webhook URL is not a URL (" + e.getClass().getSimpleName() + "): check alerts.sinks.webhook_url");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("webhook URL with scheme '" + scheme + "' is not an http(s) URL with a"
                    + " host, e.g. https://hooks.slack.com/services/...");
        }
        return uri;
    }

    /** Flink 1.20 still declares this one abstract; it calls the other in newer releases. */
    @Override
    @Deprecated
    public SinkWriter<Alert> createWriter(InitContext context) {
        return new WebhookWriter(this, context.metricGroup(), null, List.of());
    }

    @Override
    public StatefulSinkWriter<Alert, Alert> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    /** A writer with the alerts that were waiting for delivery at the checkpoint it restores. */
    @Override
    public StatefulSinkWriter<Alert, Alert> restoreWriter(WriterInitContext context, Collection<Alert> waiting) {
        return new WebhookWriter(this, context.metricGroup(), timers(context), waiting);
    }

    /** The waiting alerts, as their JSON (which carries every field). */
    @Override
    public SimpleVersionedSerializer<Alert> getWriterStateSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Alert alert) {
                return AlertJson.toJson(alert);
            }

            @Override
            public Alert deserialize(int version, byte[] json) throws IOException {
                return AlertJson.fromJson(json);
            }
        };
    }

    private static ProcessingTimeService timers(WriterInitContext context) {
        try {
            return context.getProcessingTimeService();
        } catch (UnsupportedOperationException none) {
            return null; // a bare test context
        }
    }

    /** The POST of one alert, with its idempotency key and the token. */
    HttpRequest request(Alert alert, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "waferflow-alerts")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (alert.notificationId != null) {
            request.header("Idempotency-Key", alert.notificationId);
        }
        if (!token.isEmpty()) {
            request.header(
                    tokenHeader,
                    tokenHeader.equalsIgnoreCase("Authorization") ? "Bearer " + token.value() : token.value());
        }
        return request.build();
    }

    URI url() {
        return url;
    }

    Format format() {
        return format;
    }

    Duration timeout() {
        return timeout;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Duration initialBackoff() {
        return initialBackoff;
    }

    String runbookBaseUrl() {
        return runbookBaseUrl;
    }

    /**
     * The longest one alert can block the sink before it waits in state instead: every attempt timing out (connecting,
     * then waiting for the response, each up to {@code timeout}) and every wait as long as a 429's {@code Retry-After}
     * can make it ({@link #MAX_BACKOFF}). With only 5xx and I/O errors the waits are the doubling backoffs instead,
     * usually far shorter.
     */
    public Duration worstCaseDelay() {
        return timeout.multipliedBy(2L * maxAttempts).plus(MAX_BACKOFF.multipliedBy(maxAttempts - 1L));
    }

    /** The wait before attempt {@code failedAttempts + 1}: doubling from the initial backoff, capped. */
    static long backoffMillis(Duration initial, int failedAttempts, long retryAfterMillis) {
        long base = initial.toMillis();
        int shift = Math.min(failedAttempts - 1, 30);
        long wait = base > (MAX_BACKOFF.toMillis() >> shift) ? MAX_BACKOFF.toMillis() : base << shift;
        return Math.min(MAX_BACKOFF.toMillis(), Math.max(wait, retryAfterMillis));
    }
}
