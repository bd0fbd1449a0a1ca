package io.waferflow.stores.topics;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.quality.Violation;
import io.waferflow.quality.ViolationJson;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * The violation topic: one JSON message per violation, keyed by wafer id (so a wafer's violations stay in order),
 * written exactly once through Kafka transactions that commit with Flink's checkpoints. Readers must use
 * {@code isolation.level=read_committed} (kcat does by default).
 */
public final class ViolationTopic {

    private ViolationTopic() {}

    public static KafkaSink<Violation> sink(FeaturesJobConfig c) {
        return KafkaTransactions.exactlyOnceSink(c.kafkaBootstrapServers(),
                c.kafkaSinkName(c.jobName() + "-" + c.featureGroup() + "-" + c.featureVersion() + "-violations"),
                new Serializer(c.violationsTopic()));
    }

    /** Key: wafer id (null when unknown); value: {@link ViolationJson}. */
    static final class Serializer implements KafkaRecordSerializationSchema<Violation> {

        private static final long serialVersionUID = 1L;

        private final String topic;

        Serializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Violation v, KafkaSinkContext context, Long timestamp) {
            byte[] key = v.waferId == null ? null : v.waferId.getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, null, timestamp, key, ViolationJson.toJson(v));
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            // Stateless.
        }
    }
}
