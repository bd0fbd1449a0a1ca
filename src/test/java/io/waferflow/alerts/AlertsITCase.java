package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.model.AlertJson;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end on the demo's traffic (Vdd +2.5 σ from each tester's third wafer): the production job delivers
 * every notification to a real HTTP endpoint and to the alert topic (read with read_committed), each exactly once, the
 * topic's P0–P2 ones at the webhook; one P2 drift alert for vdd and none for the unchanged features; one
 * distribution-shift alert for vdd however many wafers shifted; every resolution after its firing.
 */
@Timeout(300)
class AlertsITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final int RECORDS = 40_000;
    private static final int DRIFT_AFTER_WAFERS = 2;

    @TempDir
    Path tmp;

    @Test
    void alertsReachTheWebhookAndTheTopicOnce() throws Exception {
        List<byte[]> webhook = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            webhook.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.driftAfterWafers = DRIFT_AFTER_WAFERS;
        List<byte[]> payloads = new WaferTrafficGenerator(settings).take(RECORDS);
        try {
            SERVICES.createTopics("alerts", 1);
            SERVICES.kafka().createTopic("alerts-out", 2);
            SERVICES.produce("alerts-in", payloads);

            FeaturesJobConfig config = SERVICES.config(
                    tmp,
                    "alerts",
                    "feature_group.watermark.emit=per_record",
                    "drift.window=2 min",
                    "drift.baseline.records=3000",
                    "drift.min_baseline=1000",
                    "drift.min_current=200",
                    "alerts.sinks.kafka_topic=alerts-out",
                    "alerts.sinks.webhook_url=http://127.0.0.1:"
                            + server.getAddress().getPort() + "/hook");
            FeaturesJobRun.execute(config, "alerts-it");
        } finally {
            server.stop(0);
        }

        List<Alert> viaWebhook = new ArrayList<>();
        for (byte[] body : webhook) {
            viaWebhook.add(AlertJson.fromJson(body));
        }
        Map<String, Alert> viaTopic = new HashMap<>();
        List<String> topicIds = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("alerts-out")) {
            Alert a = AlertJson.fromJson(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(a.key);
            topicIds.add(a.notificationId);
            viaTopic.put(a.notificationId, a);
        }
        List<String> webhookIds = viaWebhook.stream().map(a -> a.notificationId).collect(Collectors.toList());
        assertThat(webhookIds).as("each notification once at the webhook").doesNotHaveDuplicates();
        assertThat(topicIds).as("each notification once in the topic").doesNotHaveDuplicates();
        // The topic has every notification; people (the webhook) get P0 to P2 only (alerts.sinks.webhook_min_severity).
        Set<String> actionable = viaTopic.values().stream()
                .filter(a -> a.severity.compareTo(AlertSeverity.P2) <= 0)
                .map(a -> a.notificationId)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(webhookIds))
                .as("the webhook gets the topic's P0-P2 notifications")
                .isEqualTo(actionable);
        assertThat(viaTopic.values())
                .as("P3 notifications exist, in the topic only")
                .anyMatch(a -> a.severity == AlertSeverity.P3);
        assertThat(webhookIds).isNotEmpty();

        List<Alert> all = new ArrayList<>(viaTopic.values());
        all.sort(java.util.Comparator.comparing((Alert a) -> a.alertId).thenComparing(a -> a.notificationId));
        List<Alert> drift =
                viaWebhook.stream().filter(a -> a.type.startsWith("drift")).collect(Collectors.toList());
        assertThat(drift)
                .as("drift notifications "
                        + drift.stream()
                                .map(a -> a.status + " first " + a.firstSeen + " last " + a.lastSeen + " window "
                                        + a.windowStart + ".." + a.windowEnd + " n " + a.nCurrent)
                                .collect(Collectors.toList()))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.key).isEqualTo("drift:vdd");
                    assertThat(a.status).isEqualTo(AlertStatus.FIRING);
                    assertThat(a.severity).isEqualTo(AlertSeverity.P2);
                    assertThat(a.shiftSigma).isBetween(2.0, 3.0);
                    assertThat(a.occurrences).isGreaterThanOrEqualTo(2);
                    assertThat(a.runbook).isEqualTo("docs/runbooks/drift.md");
                    assertThat(a.likelyCauses).isNotEmpty();
                    assertThat(a.recommendedActions).isNotEmpty();
                });

        // Every shifted wafer's windows are distribution-shift findings, but they make one alert for vdd.
        List<Alert> shift = viaWebhook.stream()
                .filter(a -> a.type.equals("distribution_shift"))
                .collect(Collectors.toList());
        assertThat(shift).singleElement().satisfies(a -> {
            assertThat(a.key).isEqualTo("dq:vdd:distribution_shift");
            assertThat(a.status).isEqualTo(AlertStatus.FIRING);
            assertThat(a.field).isEqualTo("vdd");
            assertThat(a.rate).as("shift in baseline σ").isBetween(2.0, 3.0);
        });

        Map<String, Long> firedAt = new HashMap<>();
        Set<String> firingIds = new HashSet<>();
        for (Alert a : all) {
            if (a.status == AlertStatus.FIRING && !a.escalated) {
                assertThat(firingIds.add(a.alertId))
                        .as("one firing per episode: " + a.alertId)
                        .isTrue();
                firedAt.put(a.alertId, a.firstSeen);
            } else if (a.status == AlertStatus.RESOLVED) {
                assertThat(firedAt).as("resolved after firing: " + a.alertId).containsKey(a.alertId);
                assertThat(a.lastSeen).isGreaterThanOrEqualTo(firedAt.get(a.alertId));
            }
        }
        System.out.printf(
                "AlertsITCase: %d notifications, %d to the webhook (%s)%n",
                all.size(),
                webhookIds.size(),
                all.stream()
                        .collect(Collectors.groupingBy(
                                a -> a.type + "/" + a.status, TreeMapSupplier.INSTANCE, Collectors.counting())));
    }

    private enum TreeMapSupplier implements java.util.function.Supplier<Map<String, Long>> {
        INSTANCE;

        @Override
        public Map<String, Long> get() {
            return new java.util.TreeMap<>();
        }
    }
}
