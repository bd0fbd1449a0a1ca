package io.waferflow.alerts.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.TestAlerts;
import io.waferflow.alerts.sinks.WebhookReceiver.Response;
import io.waferflow.config.Secret;
import io.waferflow.model.AlertJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The webhook writer against a real local HTTP server: one POST per alert on success, retries with backoff on 503, 429
 * and I/O errors, alerts that still fail waiting in state (in order) until the receiver is back, and no retry of other
 * 4xx.
 */
@Timeout(60)
class WebhookSinkTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BACKOFF = Duration.ofMillis(40);

    private WebhookReceiver receiver;
    private final SinkWriterMetricGroup metrics =
            InternalSinkWriterMetricGroup.wrap(UnregisteredMetricsGroup.createOperatorMetricGroup());

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void eachAlertIsPostedOnceAsJsonWithItsIdempotencyKey() throws Exception {
        receiver = new WebhookReceiver(r -> Response.status(200));
        List<Alert> alerts = List.of(
                TestAlerts.drift("n-1", AlertSeverity.P2),
                TestAlerts.rangeViolations("n-2", AlertSeverity.P2),
                TestAlerts.drift("n-3", AlertSeverity.P1));

        try (SinkWriter<Alert> writer = writer(WebhookSink.Format.JSON, 3)) {
            for (Alert a : alerts) {
                writer.write(a, CONTEXT);
            }
            writer.flush(true);
        }

        List<WebhookReceiver.Request> got = receiver.requests();
        assertThat(got).extracting(WebhookReceiver.Request::idempotencyKey).containsExactly("n-1", "n-2", "n-3");
        assertThat(got).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.attempt()).isEqualTo(1);
        });
        for (int i = 0; i < alerts.size(); i++) {
            assertThat(got.get(i).body())
                    .isEqualTo(new String(AlertJson.toJson(alerts.get(i)), StandardCharsets.UTF_8));
        }
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(3);
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isZero();
    }

    @Test
    void slackFormatPostsTheSlackPayload() throws Exception {
        receiver = new WebhookReceiver(r -> Response.status(200));

        try (SinkWriter<Alert> writer = writer(WebhookSink.Format.SLACK, 1)) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT);
        }

        JsonNode body = new ObjectMapper().readTree(receiver.requests().get(0).body());
        assertThat(body.has("text")).isTrue();
        assertThat(body.get("blocks").get(0).get("type").asText()).isEqualTo("header");
    }

    @Test
    void retriesAfter503sWithGrowingBackoffAndSucceeds() throws Exception {
        receiver = new WebhookReceiver(
                r -> r.attempt() <= 2 ? Response.status(503, "upstream busy") : Response.status(200));

        long start = System.nanoTime();
        try (SinkWriter<Alert> writer = writer(WebhookSink.Format.JSON, 5)) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(receiver.requests())
                .extracting(WebhookReceiver.Request::attempt)
                .containsExactly(1, 2, 3);
        assertThat(receiver.requests())
                .extracting(WebhookReceiver.Request::idempotencyKey)
                .containsOnly("n-1");
        // Waits of 40 ms then 80 ms.
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(BACKOFF.toMillis() * 3);
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(1);
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(2);
    }

    @Test
    void retriesA429AndHonoursRetryAfter() throws Exception {
        receiver = new WebhookReceiver(
                r -> r.attempt() == 1 ? new Response(429, 0, "Retry-After", "1", "slow down") : Response.status(200));

        long start = System.nanoTime();
        try (SinkWriter<Alert> writer = writer(WebhookSink.Format.JSON, 3)) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT);
        }

        assertThat(receiver.requests()).hasSize(2);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void anAlertStillFailingAfterItsAttemptsWaitsInStateAndIsDeliveredInOrderOnceTheReceiverIsBack() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        receiver = new WebhookReceiver(r -> down.get() ? Response.status(503, "maintenance") : Response.status(200));
        TestProcessingTimeService timers = new TestProcessingTimeService();
        WebhookSink sink = new WebhookSink(receiver.url(), WebhookSink.Format.JSON, TIMEOUT, 3, BACKOFF);

        try (StatefulSinkWriter<Alert, Alert> writer = sink.createWriter(new MinimalInitContext(metrics, timers))) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT); // no exception: the job goes on
            assertThat(receiver.requests()).as("attempts in place").hasSize(3);
            writer.write(TestAlerts.drift("n-2", AlertSeverity.P2), CONTEXT);
            assertThat(receiver.requests())
                    .as("a later alert queues behind without an attempt")
                    .hasSize(3);
            assertThat(writer.snapshotState(1))
                    .extracting(a -> a.notificationId)
                    .containsExactly("n-1", "n-2");

            timers.setCurrentTime(timers.getCurrentProcessingTime() + 60_000); // a retry while still down
            assertThat(receiver.requests()).hasSize(4);
            assertThat(writer.snapshotState(2)).hasSize(2);

            down.set(false);
            timers.setCurrentTime(timers.getCurrentProcessingTime() + 60_000);
            assertThat(writer.snapshotState(3)).as("nothing waits").isEmpty();
        }
        List<WebhookReceiver.Request> requests = receiver.requests();
        assertThat(requests.subList(requests.size() - 2, requests.size()))
                .extracting(WebhookReceiver.Request::idempotencyKey)
                .containsExactly("n-1", "n-2");
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(2);
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(4);
    }

    @Test
    void alertsWaitingAtACheckpointAreDeliveredByTheRestoredWriter() throws Exception {
        receiver = new WebhookReceiver(r -> Response.status(200));
        WebhookSink sink = new WebhookSink(receiver.url(), WebhookSink.Format.JSON, TIMEOUT, 3, BACKOFF);
        SimpleVersionedSerializer<Alert> state = sink.getWriterStateSerializer();
        List<Alert> waiting = new ArrayList<>();
        for (Alert a : List.of(
                TestAlerts.drift("n-1", AlertSeverity.P2), TestAlerts.rangeViolations("n-2", AlertSeverity.P1))) {
            waiting.add(state.deserialize(state.getVersion(), state.serialize(a)));
        }

        try (StatefulSinkWriter<Alert, Alert> writer = sink.restoreWriter(new MinimalInitContext(metrics), waiting)) {
            writer.flush(true); // the end of the input: no timer fires any more
            assertThat(writer.snapshotState(1)).isEmpty();
        }
        assertThat(receiver.requests())
                .extracting(WebhookReceiver.Request::idempotencyKey)
                .containsExactly("n-1", "n-2");
    }

    @Test
    void doesNotRetryA400() throws Exception {
        receiver = new WebhookReceiver(r -> Response.status(400, "invalid_payload"));

        try (SinkWriter<Alert> writer = writer(WebhookSink.Format.JSON, 5)) {
            assertThatThrownBy(() -> writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("webhook " + receiver.url() + " refused alert n-1")
                    .hasMessageContaining("HTTP 400: invalid_payload")
                    .hasMessageContaining("not retried");
        }
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void retriesATimedOutRequest() throws Exception {
        receiver = new WebhookReceiver(
                r -> r.attempt() == 1 ? new Response(200, 3000, null, null, "") : Response.status(200));
        WebhookSink sink = new WebhookSink(receiver.url(), WebhookSink.Format.JSON, Duration.ofMillis(300), 2, BACKOFF);

        try (SinkWriter<Alert> writer = sink.createWriter(new MinimalInitContext(metrics))) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT);
        }

        assertThat(receiver.requests())
                .extracting(WebhookReceiver.Request::attempt)
                .containsExactly(1, 2);
    }

    @Test
    void anUnreachableReceiverCountsEachAttemptAndKeepsTheAlertWaiting() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        WebhookSink sink =
                new WebhookSink("http://127.0.0.1:" + freePort + "/hook", WebhookSink.Format.JSON, TIMEOUT, 2, BACKOFF);

        try (StatefulSinkWriter<Alert, Alert> writer = sink.createWriter(new MinimalInitContext(metrics))) {
            writer.write(TestAlerts.drift("n-1", AlertSeverity.P2), CONTEXT);
            assertThat(writer.snapshotState(1))
                    .extracting(a -> a.notificationId)
                    .containsExactly("n-1");
        }
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(2);
        assertThat(metrics.getNumRecordsSendCounter().getCount()).isZero();
    }

    @Test
    void backoffDoublesUpToTheCapAndRespectsRetryAfter() {
        Duration second = Duration.ofSeconds(1);
        assertThat(WebhookSink.backoffMillis(second, 1, 0)).isEqualTo(1000);
        assertThat(WebhookSink.backoffMillis(second, 2, 0)).isEqualTo(2000);
        assertThat(WebhookSink.backoffMillis(second, 3, 0)).isEqualTo(4000);
        assertThat(WebhookSink.backoffMillis(second, 40, 0)).isEqualTo(WebhookSink.MAX_BACKOFF.toMillis());
        assertThat(WebhookSink.backoffMillis(second, 1, 5000)).isEqualTo(5000);
        assertThat(WebhookSink.backoffMillis(second, 1, 3_600_000)).isEqualTo(WebhookSink.MAX_BACKOFF.toMillis());
        assertThat(WebhookSink.backoffMillis(Duration.ZERO, 5, 0)).isZero();
    }

    @Test
    void aTokenGoesAsABearerTokenOrInItsOwnHeaderAndNeverIntoAMessage() throws Exception {
        String token = "hook-token-4b7e";
        receiver = new WebhookReceiver(
                r -> ("Bearer " + token).equals(r.header("Authorization")) || token.equals(r.header("X-Webhook-Token"))
                        ? Response.status(204)
                        : Response.status(401, "no"));
        Alert alert = TestAlerts.drift("n-1", AlertSeverity.P2);
        for (String header : List.of("Authorization", "X-Webhook-Token")) {
            try (SinkWriter<Alert> writer = new WebhookSink(
                            receiver.url(), WebhookSink.Format.JSON, TIMEOUT, 1, BACKOFF)
                    .withToken(header, Secret.of(token))
                    .createWriter(new MinimalInitContext(metrics))) {
                writer.write(alert, CONTEXT);
            }
        }
        assertThat(receiver.requests()).hasSize(2);

        try (SinkWriter<Alert> writer = new WebhookSink(receiver.url(), WebhookSink.Format.JSON, TIMEOUT, 1, BACKOFF)
                .withToken("Authorization", Secret.of("wrong-" + token))
                .createWriter(new MinimalInitContext(metrics))) {
            assertThatThrownBy(() -> writer.write(alert, CONTEXT))
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining(token);
        }
        assertThat(receiver.requests().get(2).header("Authorization")).isEqualTo("Bearer wrong-" + token);
    }

    @Test
    void messagesNameTheEndpointWithoutTheSecretPartsOfItsUrl() {
        assertThat(WebhookSink.shown(java.net.URI.create("https://hooks.slack.com/services/T0/B0/XXXXSECRET")))
                .isEqualTo("https://hooks.slack.com/services/…");
        assertThat(WebhookSink.shown(java.net.URI.create("https://user:pw@hooks.example.com:8443/hook?token=abc")))
                .isEqualTo("https://hooks.example.com:8443/hook?…");
        assertThat(WebhookSink.shown(java.net.URI.create("http://127.0.0.1:9000/hook")))
                .isEqualTo("http://127.0.0.1:9000/hook");
        assertThat(WebhookSink.shown(java.net.URI.create("http://127.0.0.1:9000/hook/")))
                .isEqualTo("http://127.0.0.1:9000/hook/");
    }

    @Test
    void worstCaseDelayCountsEveryTimeoutAndTheLongestWaits() {
        WebhookSink sink = new WebhookSink(
                "https://hooks.example.com/x",
                WebhookSink.Format.JSON,
                Duration.ofSeconds(10),
                5,
                Duration.ofMillis(500));

        // 5 attempts × (connect + response) 10 s each, 4 waits of at most a minute (a 429's Retry-After).
        assertThat(sink.worstCaseDelay()).isEqualTo(Duration.ofSeconds(5 * 20 + 4 * 60));
        assertThat(new WebhookSink(
                                "https://hooks.example.com/x",
                                WebhookSink.Format.JSON,
                                Duration.ofSeconds(2),
                                1,
                                Duration.ofSeconds(1))
                        .worstCaseDelay())
                .isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void impossibleSettingsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new WebhookSink("ftp://x/y", WebhookSink.Format.JSON, TIMEOUT, 3, BACKOFF))
                .hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> new WebhookSink("http://localhost/x", WebhookSink.Format.JSON, TIMEOUT, 0, BACKOFF))
                .hasMessageContaining("max attempts");
        assertThatThrownBy(
                        () -> new WebhookSink("http://localhost/x", WebhookSink.Format.JSON, Duration.ZERO, 3, BACKOFF))
                .hasMessageContaining("timeout");
    }

    @Test
    void theSinkIsSerializableWithEverySetting() throws Exception {
        // Flink ships the sink to the TaskManagers serialized: the copy must post what the original posts (URL,
        // format, runbook base URL, retries), not merely deserialize.
        receiver = new WebhookReceiver(r -> r.attempt() == 1 ? Response.status(503) : Response.status(200));
        String base = "https://git.example.com/waferflow/blob/main/";
        WebhookSink sink =
                new WebhookSink(receiver.url(), WebhookSink.Format.SLACK, TIMEOUT, 3, BACKOFF).withRunbookBaseUrl(base);

        WebhookSink copy = InstantiationUtil.clone(sink);

        Alert alert = TestAlerts.drift("n-1", AlertSeverity.P2);
        try (SinkWriter<Alert> writer = copy.createWriter(new MinimalInitContext(metrics))) {
            writer.write(alert, CONTEXT);
        }
        assertThat(receiver.requests())
                .extracting(WebhookReceiver.Request::attempt)
                .containsExactly(1, 2);
        assertThat(receiver.requests().get(1).body())
                .isEqualTo(new String(AlertJson.toSlack(alert, base), StandardCharsets.UTF_8))
                .contains(base + alert.runbook);
        assertThat(copy.worstCaseDelay()).isEqualTo(sink.worstCaseDelay());
    }

    private SinkWriter<Alert> writer(WebhookSink.Format format, int maxAttempts) {
        return new WebhookSink(receiver.url(), format, TIMEOUT, maxAttempts, BACKOFF)
                .createWriter(new MinimalInitContext(metrics));
    }

    private static final SinkWriter.Context CONTEXT = new SinkWriter.Context() {
        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    };

    /** Just enough of a writer context for a writer that only reads its metric group. */
    static final class MinimalInitContext implements WriterInitContext {

        private final SinkWriterMetricGroup metrics;
        private final ProcessingTimeService timers;

        MinimalInitContext(SinkWriterMetricGroup metrics) {
            this(metrics, null);
        }

        MinimalInitContext(SinkWriterMetricGroup metrics, ProcessingTimeService timers) {
            this.metrics = metrics;
            this.timers = timers;
        }

        @Override
        public SinkWriterMetricGroup metricGroup() {
            return metrics;
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MailboxExecutor getMailboxExecutor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProcessingTimeService getProcessingTimeService() {
            if (timers == null) {
                throw new UnsupportedOperationException();
            }
            return timers;
        }

        @Override
        public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isObjectReuseEnabled() {
            return false;
        }

        @Override
        public <IN> TypeSerializer<IN> createInputSerializer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.empty();
        }

        @Override
        public JobInfo getJobInfo() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TaskInfo getTaskInfo() {
            throw new UnsupportedOperationException();
        }
    }
}
