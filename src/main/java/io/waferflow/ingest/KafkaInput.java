package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The input topic as a Flink source of parsed, validated messages ({@link DeviceTestDeserializer}): parsing in the
 * source gives per-partition watermarks, and a bad record becomes a violation, never a source failure. Offsets are part of Flink's checkpoints
 * (exactly-once state); the commit back to Kafka is for lag monitoring only.
 */
public final class KafkaInput {

    private KafkaInput() {}

    /** The streaming source: unbounded. */
    public static KafkaSource<ParsedDeviceTest> source(FeaturesJobConfig c) {
        return builder(c).build();
    }

    /** A bounded source that stops at the offsets that are latest when the job starts (tests, benchmarks). */
    public static KafkaSource<ParsedDeviceTest> boundedToLatest(FeaturesJobConfig c) {
        return builder(c).setBounded(OffsetsInitializer.latest()).build();
    }

    /**
     * A bounded range of the input topic for a backfill: from the first record at or after {@code startMillis}
     * (Kafka timestamp; null: the beginning) to the last before {@code endMillis} (null: the offsets latest at start).
     */
    public static KafkaSource<ParsedDeviceTest> range(FeaturesJobConfig c, Long startMillis, Long endMillis) {
        return builder(c)
                .setStartingOffsets(startMillis == null ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.timestamp(startMillis))
                .setBounded(endMillis == null ? OffsetsInitializer.latest() : OffsetsInitializer.timestamp(endMillis))
                .build();
    }

    private static KafkaSourceBuilder<ParsedDeviceTest> builder(FeaturesJobConfig c) {
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
        return KafkaSource.<ParsedDeviceTest>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.inputTopic())
                .setGroupId(c.groupId())
                .setStartingOffsets(start)
                .setDeserializer(new DeviceTestDeserializer(c.schema(), c.quality()))
                .setProperty("partition.discovery.interval.ms", "60000");
    }
}
