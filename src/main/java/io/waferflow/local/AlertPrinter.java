package io.waferflow.local;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.model.AlertJson;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The demo's view of the alert topic: reads it as an on-call tool would (read_committed, so an alert appears once the
 * checkpoint that wrote it completes) and prints P0–P2 notifications as they fire and resolve; P3 ones are only
 * counted.
 */
final class AlertPrinter implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<AlertSeverity, Long> firing = new EnumMap<>(AlertSeverity.class);
    private final Thread thread;
    private long resolved;

    AlertPrinter(String bootstrap, String topic, Consumer<String> log) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.log = log;
        thread = new Thread(this::loop, "waferflow-demo-alerts");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                try {
                    show(AlertJson.fromJson(r.value()));
                } catch (Exception e) {
                    log.accept("unreadable alert: " + e.getMessage());
                }
            }
        }
        consumer.close();
    }

    private synchronized void show(Alert a) {
        if (a.status == AlertStatus.RESOLVED) {
            resolved++;
        } else {
            firing.merge(a.severity, 1L, Long::sum);
        }
        if (a.severity == AlertSeverity.P3) {
            return;
        }
        log.accept(String.format(
                "ALERT %s %s%s %s (event time %s, %d windows)",
                a.severity,
                a.status,
                a.escalated ? " escalated" : "",
                a.title,
                Instant.ofEpochMilli(a.lastSeen),
                a.occurrences));
    }

    /** Firing notifications by severity, and resolutions, seen so far. */
    synchronized String summary() {
        return "firing " + firing + ", resolved " + resolved;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
