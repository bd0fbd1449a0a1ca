package io.waferflow.alerts.sinks;

import io.waferflow.alerts.Alert;
import io.waferflow.model.AlertJson;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to a {@link WebhookSink}'s endpoint, in order, at least once, without holding the job back while the
 * receiver is away. Each alert gets {@code maxAttempts} attempts in place (doubling backoff); one that still fails
 * (5xx, 429, I/O error) waits, with every alert after it, in the writer's state, and a processing-time timer retries
 * the oldest one (backoff doubling to {@link #MAX_WAIT}) until the receiver takes it. The waiting alerts are part of
 * every checkpoint ({@link #snapshotState}), so a failover or a restore delivers them too. A refusal (another 4xx, a
 * 3xx) fails the job at once: repeating the request cannot succeed. At the end of the input the waiting alerts are
 * delivered before the job ends ({@link #flush}), or the job fails after {@link #PATIENCE_AT_END} and keeps them.
 *
 * <p>Metrics (the standard sink-writer group): {@code numRecordsSend} alerts delivered, {@code numBytesSend} their
 * bytes, {@code numRecordsSendErrors} failed attempts; and {@code alert_webhook_waiting}, the alerts waiting.
 */
final class WebhookWriter implements StatefulSinkWriter<Alert, Alert> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
    private static final int BODY_EXCERPT = 300;

    /** The longest wait between two retries of a waiting alert (a 429's Retry-After may ask for longer). */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    static final Duration PATIENCE_AT_END = Duration.ofMinutes(2);

    private final WebhookSink sink;
    private final String endpoint;
    private final HttpClient client;
    private final ProcessingTimeService timers;
    private final Counter sent;
    private final Counter bytesSent;
    private final Counter sendErrors;
    private final ArrayDeque<Alert> waiting = new ArrayDeque<>();
    private int failedRetries;
    private long retryAfterMillis;
    private boolean retryScheduled;

    /** @param timers null where none is available (unit tests): waiting alerts are then retried on the next write */
    WebhookWriter(
            WebhookSink sink, SinkWriterMetricGroup metrics, ProcessingTimeService timers, Collection<Alert> restored) {
        this.sink = sink;
        this.endpoint = WebhookSink.shown(sink.url());
        // HTTP/1.1: a plain-http endpoint would otherwise get an h2c upgrade request, which some proxies refuse.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(sink.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timers = timers;
        this.sent = metrics.getNumRecordsSendCounter();
        this.bytesSent = metrics.getNumBytesSendCounter();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        metrics.addGroup("waferflow").gauge("alert_webhook_waiting", (Gauge<Integer>) waiting::size);
        waiting.addAll(restored);
        if (!waiting.isEmpty()) {
            LOG.info("Webhook {}: {} alerts restored waiting for delivery", endpoint, waiting.size());
            scheduleRetry(0);
        }
    }

    @Override
    public void write(Alert alert, Context context) throws IOException, InterruptedException {
        if (!waiting.isEmpty()) {
            waiting.add(alert); // behind the ones already waiting: alerts arrive in order
            if (timers == null) {
                retryWaiting();
            }
            return;
        }
        if (!deliver(alert, sink.maxAttempts())) {
            waiting.add(alert);
            failedRetries = 0;
            scheduleRetry(WebhookSink.backoffMillis(sink.initialBackoff(), 1, retryAfterMillis));
        }
    }

    /** Delivers waiting alerts, oldest first, one attempt each, until one fails again. */
    private void retryWaiting() throws IOException, InterruptedException {
        retryScheduled = false;
        while (!waiting.isEmpty()) {
            if (!deliver(waiting.peek(), 1)) {
                failedRetries++;
                scheduleRetry(Math.min(
                        MAX_WAIT.toMillis(),
                        Math.max(
                                retryAfterMillis, WebhookSink.backoffMillis(sink.initialBackoff(), failedRetries, 0))));
                return;
            }
            waiting.poll();
            if (waiting.isEmpty()) {
                LOG.info("Webhook {}: every waiting alert delivered", endpoint);
            }
        }
        failedRetries = 0;
    }

    private void scheduleRetry(long delayMillis) {
        if (timers == null || retryScheduled) {
            return;
        }
        retryScheduled = true;
        timers.registerTimer(timers.getCurrentProcessingTime() + delayMillis, time -> retryWaiting());
    }

    /**
     * Up to {@code attempts} attempts with doubling backoff: true once the receiver answered 2xx, false if every
     * attempt failed in a way worth retrying later. Throws on a refusal.
     */
    private boolean deliver(Alert alert, int attempts) throws IOException, InterruptedException {
        byte[] body = sink.format() == WebhookSink.Format.SLACK
                ? AlertJson.toSlack(alert, sink.runbookBaseUrl())
                : AlertJson.toJson(alert);
        HttpRequest post = sink.request(alert, body);
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
            retryAfterMillis = 0;
            if (response != null) {
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    sent.inc();
                    bytesSent.inc(body.length);
                    return true;
                }
                failure = "HTTP " + status + excerpt(response.body());
                if (status < 500 && status != 429) {
                    sendErrors.inc();
                    throw new IOException("webhook " + endpoint + " refused " + what + " with " + failure
                            + " (not retried: a " + status + " means the request itself is wrong; check the URL,"
                            + " its token and the payload format " + sink.format() + ")");
                }
                retryAfterMillis = retryAfterMillis(response);
            } else {
                failure = error.toString();
            }
            sendErrors.inc();
            if (attempt >= attempts) {
                LOG.warn(
                        "Webhook {}: {} not delivered after {} attempt(s) ({}); it waits in the job's state with"
                                + " {} more and is retried",
                        endpoint,
                        what,
                        attempt,
                        failure,
                        waiting.size());
                return false;
            }
            long wait = WebhookSink.backoffMillis(sink.initialBackoff(), attempt, retryAfterMillis);
            LOG.warn(
                    "Webhook {}: attempt {}/{} for {} failed ({}); retrying in {} ms",
                    endpoint,
                    attempt,
                    attempts,
                    what,
                    failure,
                    wait);
            Thread.sleep(wait);
        }
    }

    /** Retry-After in seconds (the HTTP-date form is rare on 429s and is ignored). */
    private static long retryAfterMillis(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(v -> {
                    try {
                        return Math.max(0, Long.parseLong(v.trim())) * 1000;
                    } catch (NumberFormatException e) {
                        return 0L;
                    }
                })
                .orElse(0L);
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String b = body.strip().replaceAll("\\s+", " ");
        return ": " + (b.length() <= BODY_EXCERPT ? b : b.substring(0, BODY_EXCERPT) + "…");
    }

    @Override
    public List<Alert> snapshotState(long checkpointId) {
        return new ArrayList<>(waiting);
    }

    /** At the end of the input no timer fires again: the waiting alerts are delivered now. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        if (!endOfInput || waiting.isEmpty()) {
            return;
        }
        long deadline = System.currentTimeMillis() + PATIENCE_AT_END.toMillis();
        while (!waiting.isEmpty()) {
            if (deliver(waiting.peek(), 1)) {
                waiting.poll();
                continue;
            }
            long wait = Math.min(MAX_WAIT.toMillis(), Math.max(retryAfterMillis, 1_000));
            if (System.currentTimeMillis() + wait > deadline) {
                throw new IOException("webhook " + endpoint + ": " + waiting.size() + " alerts not delivered at the end"
                        + " of the input after " + PATIENCE_AT_END.toSeconds() + " s; failing the job, whose state "
                        + "keeps them");
            }
            Thread.sleep(wait);
        }
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); its threads are daemons and end with the client.
    }
}
