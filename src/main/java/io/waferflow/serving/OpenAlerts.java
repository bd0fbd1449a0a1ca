package io.waferflow.serving;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.config.KafkaClientSettings;
import io.waferflow.model.AlertJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts firing now, from the alert topic as {@code alerts tail} reads it (committed notifications only, no
 * consumer group: every partition assigned, read from its start): one thread follows the topic and keeps each episode's
 * latest notification while it fires, dropping it when its RESOLVED arrives, so memory holds open episodes only.
 */
final class OpenAlerts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAlerts.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final long RETRY_MILLIS = 5_000;

    private final Properties properties;
    private final String topic;
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String problem;

    OpenAlerts(KafkaClientSettings kafka, String topic) {
        this.topic = topic;
        this.properties = kafka.clientProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "waferflow-serve-ui");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        this.thread = new Thread(this::follow, "serve-ui-alerts");
        thread.setDaemon(true);
        thread.start();
    }

    /** The episodes firing, worst severity first, then the longest firing. */
    synchronized List<Alert> open() {
        List<Alert> out = new ArrayList<>(firing.values());
        out.sort(Comparator.comparing((Alert a) -> a.severity).thenComparingLong(a -> a.firstSeen));
        return out;
    }

    /** Why the list may be incomplete (the topic cannot be read), or null. */
    String problem() {
        return problem;
    }

    private void follow() {
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c =
                    new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = new ArrayList<>();
                List<PartitionInfo> infos = c.partitionsFor(topic);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("no alert topic " + topic + " on the brokers yet");
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                c.assign(partitions);
                c.seekToBeginning(partitions);
                synchronized (this) {
                    firing.clear(); // read again from the start: rebuilt from the notifications
                }
                problem = null;
                while (!closed) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                        take(r.value());
                    }
                }
            } catch (WakeupException e) {
                return; // close()
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                String was = problem;
                problem = "the alert list may be stale: cannot read the alert topic " + topic + " (" + e.getMessage()
                        + ")";
                if (!problem.equals(was)) { // once per cause, not every retry; one line (a broker down is no bug)
                    LOG.warn(
                            "live page: cannot read the alert topic {} ({}); retrying every {} ms",
                            topic,
                            e.getMessage(),
                            RETRY_MILLIS);
                }
                sleep();
            }
        }
    }

    private void take(byte[] json) {
        Alert a;
        try {
            a = AlertJson.fromJson(json);
        } catch (Exception e) {
            return; // not a notification (alerts tail counts these as unreadable)
        }
        if (a == null || a.alertId == null) {
            return;
        }
        synchronized (this) {
            if (a.status == AlertStatus.RESOLVED) {
                firing.remove(a.alertId);
            } else {
                firing.put(a.alertId, a);
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // not an interrupt: that would cut the consumer's own close short (and log it as an error)
        }
    }
}
