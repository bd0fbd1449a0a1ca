package io.waferflow.stores.topics;

import io.waferflow.alerts.Alert;
import io.waferflow.config.KafkaClientSettings;
import io.waferflow.model.AlertJson;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The alert topic (SPEC 2.2 "Alerts"): one JSON message per notification ({@link AlertJson}), keyed by the alert key
 * (so the notifications of one condition stay in order on one partition), written exactly once through Kafka
 * transactions that commit with Flink's checkpoints. Notifications become visible when the checkpoint after them
 * completes (up to one checkpoint interval of latency). Readers must use {@code isolation.level=read_committed}
 * ({@code waferflow alerts tail} and kcat do).
 *
 * <p>The message timestamp is the time the sink wrote the notification (processing time), not event time, so
 * {@code alerts tail --since 1h} means "notified in the last hour"; the event time of the condition is in
 * {@code first_seen} / {@code last_seen}.
 */
public final class AlertTopic {

    private AlertTopic() {}

    /**
     * @param kafka bootstrap servers and the {@code kafka.properties.*} pass-through
     * @param transactionalIdPrefix unique per job and sink across the Kafka cluster (two jobs sharing one would fence
     *     each other's transactions), and stable across restarts of the job
     */
    public static KafkaSink<Alert> sink(KafkaClientSettings kafka, String topic, String transactionalIdPrefix) {
        // Key: the alert key (e.g. drift:vdd); value: AlertJson; timestamp: write time (see the class comment).
        return KafkaTransactions.exactlyOnceSink(
                kafka,
                transactionalIdPrefix,
                new KeyedJsonRecords<Alert>(topic, alert -> alert.key, AlertJson::toJson, false));
    }
}
