package io.waferflow.stores.topics;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.quality.Violation;
import io.waferflow.quality.ViolationJson;
import org.apache.flink.connector.kafka.sink.KafkaSink;


/**
 * The violation topic: one JSON message per violation, keyed by wafer id (so a wafer's violations stay in order),
 * written exactly once through Kafka transactions that commit with Flink's checkpoints. Readers must use
 * {@code isolation.level=read_committed} (kcat does by default).
 */
public final class ViolationTopic {

    private ViolationTopic() {}

    public static KafkaSink<Violation> sink(FeaturesJobConfig c) {
        return KafkaTransactions.exactlyOnceSink(c.kafkaClient(),
                c.kafkaSinkName(c.jobName() + "-" + c.featureGroup() + "-" + c.featureVersion() + "-violations"),
                // Key: wafer id (null when unknown); value: ViolationJson; timestamp: the stream record's (event time).
                new KeyedJsonRecords<Violation>(c.violationsTopic(), v -> v.waferId, ViolationJson::toJson, true));
    }
}
