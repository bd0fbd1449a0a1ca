package io.waferflow.outages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.sinks.WebhookReceiver;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 §3: the webhook receiver answers 503 for 60 s while the job raises alerts. The job neither stops nor
 * restarts (restart strategy none), and afterwards every notification on the alert topic (read committed) has been
 * POSTed to the receiver and answered 2xx at least once, with its {@code Idempotency-Key}: none is lost.
 */
@Timeout(300)
class WebhookOutageITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T18:00:00Z").toEpochMilli();
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Six wafers of 240 dies; every fifth die of wafers 1 and 4 has vdd out of range: data-quality alerts. */
    private static List<TestDie> traffic() {
        List<TestDie> dies = new ArrayList<>(TestWafers.seed(53)
                .lot("LW")
                .wafers(6, "WW%d")
                .dies(240, 16)
                .starts(T0, 60_000)
                .failRate(0.1)
                .vdd((w, k) -> (w == 1 || w == 4) && k % 5 == 0, 1.6)
                .testTime(100, 40)
                .build());
        dies.add(TestDie.nominal(dies.get(dies.size() - 1).time() + 600_000, "LW", "WWCLOCK", 0, 0));
        return dies;
    }

    @Test
    void aReceiverAnswering503For60SecondsMissesNoNotification() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WebhookReceiver receiver = new WebhookReceiver(r -> {
            if (down.get()) {
                return WebhookReceiver.Response.status(503, "maintenance");
            }
            delivered.add(r.idempotencyKey());
            return WebhookReceiver.Response.status(200);
        })) {
            List<TestDie> dies = traffic();
            SERVICES.createTopics("webhook-outage", 1);
            SERVICES.kafka().createTopic("webhook-outage-alerts", 1);
            FeaturesJobConfig config = SERVICES.config(
                    tmp,
                    "webhook-outage",
                    "feature_group.watermark.emit=per_record",
                    "alerts.sinks.kafka_topic=webhook-outage-alerts",
                    "alerts.sinks.webhook_url=" + receiver.url(),
                    "alerts.sinks.webhook_min_severity=P3",
                    "alerts.sinks.webhook_attempts=2",
                    "alerts.sinks.webhook_backoff=200 ms");
            Configuration flink = FeaturesJobRun.flinkConfiguration(config); // riding the outage out, not restarting
            JobClient job = FeaturesJobRun.start(config, "webhook-outage", flink, FeaturesJobSinks.production(config));
            long started = System.currentTimeMillis();
            SERVICES.produce("webhook-outage-in", TestDie.payloads(dies));

            Thread.sleep(OUTAGE.toMillis());
            Set<String> onTopic = notificationIds();
            assertThat(onTopic).as("notifications committed during the outage").hasSizeGreaterThan(3);
            assertThat(receiver.requests()).as("requests answered 503").hasSizeGreaterThan(onTopic.size());
            assertThat(delivered).isEmpty();
            assertThat(job.getJobStatus().get())
                    .as("the job rode the outage out")
                    .isEqualTo(JobStatus.RUNNING);
            down.set(false);

            long deadline = System.currentTimeMillis() + 60_000;
            while (!new TreeSet<>(delivered).containsAll(notificationIds()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
            Set<String> all = notificationIds();
            assertThat(new TreeSet<>(delivered))
                    .as("delivered after the outage, by Idempotency-Key")
                    .containsAll(all);
            assertThat(all).containsAll(onTopic);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            job.cancel().get();
            System.out.printf(
                    "WebhookOutageITCase: %d notifications, %d requests, all delivered %d s after start%n",
                    all.size(), receiver.requests().size(), (System.currentTimeMillis() - started) / 1000);
        }
    }

    /** Notification ids on the alert topic, read committed. */
    private static Set<String> notificationIds() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("webhook-outage-alerts")) {
            ids.add(JSON.readTree(r.value()).get("notification_id").asText());
        }
        return ids;
    }
}
