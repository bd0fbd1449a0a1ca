package io.waferflow.stores.topics;

import io.waferflow.config.KafkaClientSettings;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The transaction timeout of the job's exactly-once Kafka sinks (violations, alerts). A transaction is pre-committed at
 * a checkpoint barrier and committed when the checkpoint completes; if that takes longer than the timeout the broker
 * aborts it and its records are lost. So the timeout must exceed the checkpoint interval plus anything that can hold a
 * checkpoint back (a webhook retrying a slow receiver), and stay below the broker's {@code transaction.max.timeout.ms}
 * (15 min by default; the client's default of 1 h is refused). After a crash, read_committed readers wait at most this
 * long before the restarted job aborts the open transactions.
 */
public final class KafkaTransactions {

    public static final Duration TIMEOUT = Duration.ofMinutes(10);
    /**
     * The producers' {@code max.request.size}, pinned at Kafka's default (1 MiB) because the violation topic's message
     * bound is checked against it at start-up: a record above it fails the sink, and so the job, on every retry.
     */
    public static final int MAX_REQUEST_BYTES = 1_048_576;

    private KafkaTransactions() {}

    /**
     * An exactly-once Kafka sink with this timeout. {@code transactionalIdPrefix} must be unique per job and sink
     * across the cluster (two jobs sharing one fence each other's transactions) and stable across restarts.
     */
    public static <T> KafkaSink<T> exactlyOnceSink(
            KafkaClientSettings kafka, String transactionalIdPrefix, KafkaRecordSerializationSchema<T> serializer) {
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("an exactly-once topic needs a transactional id prefix unique per job"
                    + " and sink, e.g. <job name>-alerts");
        }
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(kafka.clientProperties())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TIMEOUT.toMillis()))
                .setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES))
                .build();
    }
}
