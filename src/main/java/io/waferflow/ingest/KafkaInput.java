package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.ParsedDeviceTest;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input topic as a Flink source of parsed, validated messages ({@link DeviceTestDeserializer}): parsing in the
 * source gives per-partition watermarks, and a bad record becomes a violation, never a source failure. Offsets are part
 * of Flink's checkpoints (exactly-once state); the commit back to Kafka is for lag monitoring only.
 */
public final class KafkaInput {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaInput.class);

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
     * A bounded range of the input topic for a backfill: from the first record at or after {@code startMillis} (Kafka
     * timestamp; null: the beginning) to the last before {@code endMillis} (null: the offsets latest at start).
     */
    public static KafkaSource<ParsedDeviceTest> range(FeaturesJobConfig c, Long startMillis, Long endMillis) {
        return builder(c)
                .setStartingOffsets(
                        startMillis == null ? OffsetsInitializer.earliest() : OffsetsInitializer.timestamp(startMillis))
                .setBounded(endMillis == null ? OffsetsInitializer.latest() : OffsetsInitializer.timestamp(endMillis))
                .build();
    }

    /**
     * The input topic from the beginning up to (excluding) the given offsets, as an <em>unbounded</em> source: its
     * readers stop reading there but never finish, so the job keeps running and can be stopped with a savepoint that
     * holds every operator's state as of those offsets ({@code savepoint bootstrap --until}).
     */
    public static KafkaSource<ParsedDeviceTest> history(
            FeaturesJobConfig c, String groupId, Map<TopicPartition, Long> stopAt) {
        return builder(c)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setUnbounded(OffsetsInitializer.offsets(stopAt))
                .build();
    }

    /**
     * How many source readers to run: {@code kafka.source_parallelism}, or for {@code auto} one per input partition and
     * at most the job's parallelism. A reader without a partition does nothing useful, and in a bounded run it finishes
     * at a moment of its own: until then it holds every window's watermark back, so whether a record is late would
     * depend on timing instead of on input order. If the topic cannot be described (no broker reachable from the client
     * that builds the job), the job's parallelism.
     */
    public static int readers(FeaturesJobConfig c) {
        if (c.sourceParallelism() > 0) {
            return c.sourceParallelism();
        }
        try (Admin admin = admin(c)) {
            int partitions = admin.describeTopics(List.of(c.inputTopic()))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(c.inputTopic())
                    .partitions()
                    .size();
            return Math.max(1, Math.min(partitions, c.parallelism()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return c.parallelism();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn(
                    "Could not describe input topic {} ({}); running {} source readers",
                    c.inputTopic(),
                    e.getMessage(),
                    c.parallelism());
            return c.parallelism();
        }
    }

    /**
     * The offsets the job's consumer group ({@code kafka.group_id}) has committed on the input topic, by partition:
     * empty if it never committed any. The source commits them on completed checkpoints, so they tell that a job ran
     * before and how far it read.
     */
    public static Map<Integer, Long> committedOffsets(FeaturesJobConfig c)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = admin(c)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(c.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            Map<Integer, Long> offsets = new TreeMap<>();
            committed.forEach((tp, offset) -> {
                if (tp.topic().equals(c.inputTopic()) && offset != null) {
                    offsets.put(tp.partition(), offset.offset());
                }
            });
            return offsets;
        }
    }

    /** An admin client that gives up after 10 s, for look-ups the client makes before and while the job runs. */
    public static Admin admin(FeaturesJobConfig c) {
        Properties props = c.kafkaClient().clientProperties();
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(props);
    }

    private static KafkaSourceBuilder<ParsedDeviceTest> builder(FeaturesJobConfig c) {
        return KafkaSource.<ParsedDeviceTest>builder()
                .setProperties(c.kafkaClient().clientProperties())
                .setTopics(c.inputTopic())
                .setGroupId(c.groupId())
                .setStartingOffsets(startingOffsets(c))
                .setDeserializer(new DeviceTestDeserializer(c.schema(), c.quality()))
                .setProperty("partition.discovery.interval.ms", "60000");
    }

    /** Where a source without restored state starts: {@code kafka.starting_offsets}. */
    static OffsetsInitializer startingOffsets(FeaturesJobConfig c) {
        switch (c.startingOffsets()) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case TIMESTAMP:
                return OffsetsInitializer.timestamp(c.startingTimestamp());
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
