package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The input topic as a Flink source of raw payload bytes. Parsing happens in the job, not in the deserializer, so a
 * bad record becomes a quarantined violation instead of a source failure. Offsets are part of Flink's checkpoints
 * (exactly-once state); the commit back to Kafka is for lag monitoring only.
 */
public final class KafkaInput {

    private KafkaInput() {}

    /** The streaming source: unbounded. */
    public static KafkaSource<byte[]> source(FeaturesJobConfig c) {
        return builder(c).build();
    }

    /** A bounded source that stops at the offsets that are latest when the job starts (tests, benchmarks). */
    public static KafkaSource<byte[]> boundedToLatest(FeaturesJobConfig c) {
        return builder(c).setBounded(OffsetsInitializer.latest()).build();
    }

    private static KafkaSourceBuilder<byte[]> builder(FeaturesJobConfig c) {
        OffsetsInitializer start;
        switch (c.startingOffsets()) {
            case EARLIEST:
                start = OffsetsInitializer.earliest();
                break;
            case LATEST:
                start = OffsetsInitializer.latest();
                break;
            default:
                start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                break;
        }
        return KafkaSource.<byte[]>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.inputTopic())
                .setGroupId(c.groupId())
                .setStartingOffsets(start)
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                .setProperty("partition.discovery.interval.ms", "60000");
    }
}
