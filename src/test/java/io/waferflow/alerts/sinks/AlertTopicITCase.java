package io.waferflow.alerts.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.TestAlerts;
import io.waferflow.cli.AlertsCommand;
import io.waferflow.config.KafkaClientSettings;
import io.waferflow.model.AlertJson;
import io.waferflow.stores.topics.AlertTopic;
import io.waferflow.testing.LocalServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert topic sink in a checkpointed Flink job: every alert committed once, keyed by its alert key, stamped with
 * the time it was written, and readable by {@code alerts tail}.
 */
@Timeout(180)
class AlertTopicITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final String TOPIC = "alerts-it";

    @Test
    void everyAlertIsCommittedOnceKeyedByItsAlertKey() throws Exception {
        SERVICES.kafka().createTopic(TOPIC, 2);
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            alerts.add(
                    i % 2 == 0
                            ? TestAlerts.drift("n-" + i, AlertSeverity.P2)
                            : TestAlerts.rangeViolations("n-" + i, AlertSeverity.P1));
        }

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        long before = System.currentTimeMillis();
        env.fromData(alerts.toArray(new Alert[0]))
                .sinkTo(AlertTopic.sink(
                        KafkaClientSettings.plain(SERVICES.kafka().bootstrapServers()), TOPIC, "alert-topic-it"))
                .name("alert-topic");
        env.execute("alert-topic-it");
        long after = System.currentTimeMillis();

        List<ConsumerRecord<byte[], byte[]>> records = SERVICES.readCommitted(TOPIC);
        assertThat(records).hasSize(alerts.size());
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Alert a = AlertJson.fromJson(r.value());
            ids.add(a.notificationId);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(a.key);
            assertThat(r.timestamp()).as("write time, not event time").isBetween(before, after);
        }
        assertThat(ids)
                .containsExactlyInAnyOrderElementsOf(
                        alerts.stream().map(a -> a.notificationId).toList());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new AlertsCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        Clock.systemUTC())
                .run(new String[] {
                    "tail",
                    "--bootstrap",
                    SERVICES.kafka().bootstrapServers(),
                    "--topic",
                    TOPIC,
                    "--severity",
                    "P1",
                    "--format",
                    "json"
                });
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).strip().split("\n")).hasSize(3);
    }
}
