package io.waferflow.alerts.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.TestAlerts;
import io.waferflow.alerts.sinks.WebhookReceiver.Response;
import io.waferflow.testing.FeaturesJobRun;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook sink inside a Flink job (parallelism 2): retries there too, and a refused alert fails the job. */
@Timeout(120)
class WebhookSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    @Test
    void everyAlertIsDeliveredOnceAfterARetry() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            alerts.add(
                    i % 2 == 0
                            ? TestAlerts.drift("n-" + i, AlertSeverity.P2)
                            : TestAlerts.rangeViolations("n-" + i, AlertSeverity.P1));
        }
        // The first attempt of every notification meets a 503.
        try (WebhookReceiver receiver =
                new WebhookReceiver(r -> r.attempt() == 1 ? Response.status(503) : Response.status(200))) {
            StreamExecutionEnvironment env = env();
            env.fromData(alerts.toArray(new Alert[0]))
                    .sinkTo(new WebhookSink(
                            receiver.url(), WebhookSink.Format.JSON, Duration.ofSeconds(5), 3, Duration.ofMillis(20)))
                    .name("alert-webhook");
            env.execute("webhook-it");

            Map<String, List<Integer>> attemptsById = receiver.requests().stream()
                    .collect(Collectors.groupingBy(
                            WebhookReceiver.Request::idempotencyKey,
                            Collectors.mapping(WebhookReceiver.Request::attempt, Collectors.toList())));
            assertThat(attemptsById).hasSize(alerts.size());
            assertThat(attemptsById.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            alerts.stream().map(a -> a.notificationId).toList());
            assertThat(attemptsById.values())
                    .allSatisfy(attempts -> assertThat(attempts).containsExactly(1, 2));
        }
    }

    @Test
    void aRefusedAlertFailsTheJob() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(r -> Response.status(404, "no such hook"))) {
            StreamExecutionEnvironment env = env();
            env.fromData(TestAlerts.drift("n-1", AlertSeverity.P2))
                    .sinkTo(new WebhookSink(
                            receiver.url(), WebhookSink.Format.SLACK, Duration.ofSeconds(5), 3, Duration.ofMillis(20)));

            assertThatThrownBy(() -> env.execute("webhook-refused-it")).satisfies(e -> {
                Optional<IOException> cause = ExceptionUtils.findThrowable(e, IOException.class);
                assertThat(cause).isPresent();
                assertThat(cause.get())
                        .hasMessageContaining("webhook " + receiver.url() + " refused alert n-1")
                        .hasMessageContaining("HTTP 404: no such hook");
            });
            assertThat(receiver.requests()).hasSize(1);
        }
    }

    /** Parallelism 2, no restarts (a failure must reach the test), no Kryo fallback for the alert type. */
    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }
}
