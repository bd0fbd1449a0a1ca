package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.MonitorConfig;
import io.waferflow.model.ParsedMonitorRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The monitor job's inputs: the predictions and actuals topics ({@code monitor.predictions_topic},
 * {@code monitor.actuals_topic}) on the {@code kafka} section's brokers, read by the consumer group
 * {@code monitor.group_id}, parsed and checked in the source ({@link MonitorRecordDeserializer}). Offsets are part of
 * Flink's checkpoints; where a job without state starts is {@code kafka.starting_offsets}, as for the features job.
 */
public final class MonitorInput {

    private MonitorInput() {}

    /** The streaming source of predictions. */
    public static KafkaSource<ParsedMonitorRecord> predictions(FeaturesJobConfig c) {
        return builder(c, c.monitor().predictionsTopic(), MonitorRecordParser.Kind.PREDICTION)
                .build();
    }

    /** The streaming source of actuals. */
    public static KafkaSource<ParsedMonitorRecord> actuals(FeaturesJobConfig c) {
        return builder(c, c.monitor().actualsTopic(), MonitorRecordParser.Kind.ACTUAL)
                .build();
    }

    /** Predictions up to the offsets latest when the job starts (tests, benchmarks). */
    public static KafkaSource<ParsedMonitorRecord> predictionsToLatest(FeaturesJobConfig c) {
        return builder(c, c.monitor().predictionsTopic(), MonitorRecordParser.Kind.PREDICTION)
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    /** Actuals up to the offsets latest when the job starts (tests, benchmarks). */
    public static KafkaSource<ParsedMonitorRecord> actualsToLatest(FeaturesJobConfig c) {
        return builder(c, c.monitor().actualsTopic(), MonitorRecordParser.Kind.ACTUAL)
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    /**
     * Event time from each sound record, bounded out-of-orderness {@code monitor.out_of_orderness}; a partition without
     * records for the features job's {@code idleness} stops holding the watermark back (an actuals topic is quiet for
     * hours when labels come in batches).
     */
    public static WatermarkStrategy<ParsedMonitorRecord> watermarks(FeaturesJobConfig c) {
        return EventTimeWatermarks.of(
                c, c.monitor().outOfOrderness(), (parsed, kafkaTimestamp) -> parsed.eventTimeForWatermarks());
    }

    private static KafkaSourceBuilder<ParsedMonitorRecord> builder(
            FeaturesJobConfig c, String topic, MonitorRecordParser.Kind kind) {
        MonitorConfig m = c.monitor();
        return KafkaSource.<ParsedMonitorRecord>builder()
                .setProperties(c.kafkaClient().clientProperties())
                .setTopics(topic)
                .setGroupId(m.groupId())
                .setStartingOffsets(KafkaInput.startingOffsets(c))
                .setDeserializer(new MonitorRecordDeserializer(new MonitorRecordParser(
                        kind, c.quality().maxRecordBytes(), c.quality().maxStringChars())))
                .setProperty("partition.discovery.interval.ms", "60000");
    }
}
