package io.waferflow.stores.topics;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A job output as Kafka records: a string key (null when unknown), a JSON value, and either the element's event-time
 * timestamp or none (the producer stamps the send time). Stateless; shared by the violation and alert topics.
 */
public final class KeyedJsonRecords<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, byte[]> json;
    private final boolean eventTimestamps;

    public KeyedJsonRecords(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> json,
            boolean eventTimestamps) {
        this.topic = topic;
        this.key = key;
        this.json = json;
        this.eventTimestamps = eventTimestamps;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                eventTimestamps ? timestamp : null,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                json.apply(element));
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        // Stateless.
    }
}
