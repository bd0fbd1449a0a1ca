package io.waferflow.alerts.sinks;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertJson;
import io.waferflow.config.Secret;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * POSTs each alert to an HTTP endpoint: the flat alert JSON ({@link Format#JSON}) or a Slack incoming-webhook payload
 * ({@link Format#SLACK}), with {@code Content-Type: application/json}, {@code Idempotency-Key: <notification id>} and,
 * if configured, a secret token ({@code Authorization: Bearer <token>}, or the token as is in another header).
 *
 * <p>Neither the token nor the secret parts of the URL appear in logs or exceptions: the endpoint is named by its
 * scheme, host, port and first path segment only (a Slack incoming-webhook URL carries its secret in the path,
 * other receivers in the query or in user information).
 *
 * <p><b>Delivery: at least once.</b> {@code write} sends synchronously and returns only when the receiver answered
 * 2xx, so every alert that reached the sink before a checkpoint barrier has been delivered when that checkpoint
 * completes. After a failover the job replays from the last checkpoint and the alerts after it are POSTed again:
 * receivers must drop duplicates by the {@code Idempotency-Key} header (= {@code notification_id}, stable across
 * replays). Alerts are never dropped: a 5xx, a 429 or an I/O error (refused connection, timeout) is retried with
 * exponential backoff ({@code initialBackoff · 2^(attempt−1)}, at most {@link #MAX_BACKOFF}, longer if a 429 says
 * {@code Retry-After}); after {@code maxAttempts} the writer throws and the job fails (and restarts per its restart
 * strategy, re-sending from the last checkpoint). Any other status (a 4xx: bad URL, revoked token, payload refused;
 * a 3xx: redirects are not followed for POSTs) fails at once, since repeating the same request cannot succeed.
 *
 * <p>Sending blocks the sink's task while a receiver is slow or down (alert volume is low, so throughput does not
 * matter), and a blocked task holds back every checkpoint of the job: up to {@link #worstCaseDelay()} per alert. Keep
 * that well below the checkpoint timeout, and below the Kafka sinks' {@code transaction.timeout.ms} minus the
 * checkpoint interval: a transaction of the violation or alert topic that is pre-committed but waits longer than its
 * timeout for the checkpoint to complete is aborted by the broker, and its records are lost. The sink keeps no state;
 * the {@link HttpClient} is created per writer, so the sink itself stays serializable.
 *
 * <p>Metrics (the standard sink-writer group): {@code numRecordsSend} alerts delivered, {@code numBytesSend} their
 * bytes, {@code numRecordsSendErrors} failed attempts (each retry counts).
 */
public final class WebhookSink implements Sink<Alert> {

    private static final long serialVersionUID = 1L;

    /** The longest wait between two attempts, whatever the attempt number or a Retry-After header says. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** The request body: the flat alert JSON, or a Slack incoming-webhook payload. */
    public enum Format { JSON, SLACK }

    private final URI url;
    private final Format format;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final String runbookBaseUrl;
    private final String tokenHeader;
    private final Secret token;

    /**
     * @param url            http(s) endpoint, e.g. a Slack incoming-webhook URL
     * @param timeout        for connecting and, separately, for the whole response of one attempt
     * @param maxAttempts    attempts per alert (1 = no retry)
     * @param initialBackoff the wait after the first failed attempt; doubled after each further one
     */
    public WebhookSink(String url, Format format, Duration timeout, int maxAttempts, Duration initialBackoff) {
        this(parseUrl(url), format, timeout, maxAttempts, initialBackoff, null, "Authorization", Secret.none());
    }

    private WebhookSink(URI url, Format format, Duration timeout, int maxAttempts, Duration initialBackoff,
                        String runbookBaseUrl, String tokenHeader, Secret token) {
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
            throw new IllegalArgumentException("webhook initial backoff must be zero or more, e.g. 1 s (was "
                    + initialBackoff + ")");
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
        return new WebhookSink(url, format, timeout, maxAttempts, initialBackoff, runbookBaseUrl, header,
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
            throw new IllegalArgumentException("webhook URL is not a URL (" + e.getClass().getSimpleName()
                    + "): check alerts.sinks.webhook_url");
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
        return new Writer(this, context.metricGroup());
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        return new Writer(this, context.metricGroup());
    }

    /**
     * The longest one alert can block the sink before the writer gives up and fails the job: every attempt timing
     * out (connecting, then waiting for the response, each up to {@code timeout}) and every wait as long as a 429's
     * {@code Retry-After} can make it ({@link #MAX_BACKOFF}). With only 5xx and I/O errors the waits are the
     * doubling backoffs instead, usually far shorter.
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

    /** Sends one alert at a time, synchronously; see the class comment for retries and guarantees. */
    static final class Writer implements SinkWriter<Alert> {

        private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
        private static final int BODY_EXCERPT = 300;

        private final WebhookSink sink;
        private final String endpoint;
        private final HttpClient client;
        private final Counter sent;
        private final Counter bytesSent;
        private final Counter sendErrors;

        Writer(WebhookSink sink, SinkWriterMetricGroup metrics) {
            this.sink = sink;
            this.endpoint = shown(sink.url);
            // HTTP/1.1: a plain-http endpoint would otherwise get an h2c upgrade request, which some proxies refuse.
            this.client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(sink.timeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            this.sent = metrics.getNumRecordsSendCounter();
            this.bytesSent = metrics.getNumBytesSendCounter();
            this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        }

        @Override
        public void write(Alert alert, Context context) throws IOException, InterruptedException {
            byte[] body = sink.format == Format.SLACK ? AlertJson.toSlack(alert, sink.runbookBaseUrl)
                    : AlertJson.toJson(alert);
            HttpRequest.Builder request = HttpRequest.newBuilder(sink.url)
                    .timeout(sink.timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "waferflow-alerts")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (alert.notificationId != null) {
                request.header("Idempotency-Key", alert.notificationId);
            }
            if (!sink.token.isEmpty()) {
                request.header(sink.tokenHeader, sink.tokenHeader.equalsIgnoreCase("Authorization")
                        ? "Bearer " + sink.token.value() : sink.token.value());
            }
            HttpRequest post = request.build();
            String what = "alert " + alert.notificationId + " (" + alert.key + ")";

            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = null;
                IOException error = null;
                try {
                    response = client.send(post, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    error = e; // refused, reset, timed out (HttpTimeoutException): worth another attempt
                }
                String failure;
                long retryAfterMillis = 0;
                if (response != null) {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        sent.inc();
                        bytesSent.inc(body.length);
                        return;
                    }
                    failure = "HTTP " + status + excerpt(response.body());
                    if (status < 500 && status != 429) {
                        sendErrors.inc();
                        throw new IOException("webhook " + endpoint + " refused " + what + " with " + failure
                                + " (not retried: a " + status + " means the request itself is wrong; check the URL,"
                                + " its token and the payload format " + sink.format + ")");
                    }
                    retryAfterMillis = retryAfterMillis(response);
                } else {
                    failure = error.toString();
                }
                sendErrors.inc();
                if (attempt >= sink.maxAttempts) {
                    throw new IOException("webhook " + endpoint + ": " + what + " not delivered after " + attempt
                            + " attempt" + (attempt == 1 ? "" : "s") + "; last failure: " + failure
                            + ". Failing the job so the alert is not lost: it is sent again after the restart.", error);
                }
                long wait = backoffMillis(sink.initialBackoff, attempt, retryAfterMillis);
                LOG.warn("Webhook {}: attempt {}/{} for {} failed ({}); retrying in {} ms", endpoint, attempt,
                        sink.maxAttempts, what, failure, wait);
                Thread.sleep(wait);
            }
        }

        /** Retry-After in seconds (the HTTP-date form is rare on 429s and is ignored). */
        private static long retryAfterMillis(HttpResponse<?> response) {
            return response.headers().firstValue("Retry-After").map(v -> {
                try {
                    return Math.max(0, Long.parseLong(v.trim())) * 1000;
                } catch (NumberFormatException e) {
                    return 0L;
                }
            }).orElse(0L);
        }

        private static String excerpt(String body) {
            if (body == null || body.isBlank()) {
                return "";
            }
            String b = body.strip().replaceAll("\\s+", " ");
            return ": " + (b.length() <= BODY_EXCERPT ? b : b.substring(0, BODY_EXCERPT) + "…");
        }

        @Override
        public void flush(boolean endOfInput) {
            // Nothing buffered: write returns only after delivery.
        }

        @Override
        public void close() {
            // Java 17's HttpClient has no close(); its threads are daemons and end with the client.
        }
    }
}
