package io.waferflow.stores.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.config.KafkaClientSettings;
import io.waferflow.model.Prediction;
import io.waferflow.model.RecordJson;
import io.waferflow.model.RetrainEvent;
import java.io.UncheckedIOException;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The retrain topic ({@code monitor.retrain_topic}): one JSON message per {@link RetrainEvent} (its fields in
 * snake_case, e.g. {@code event_id}, {@code model_version}, {@code drifted_features}), keyed by the model key
 * {@code model/version} so one model's requests stay in order, written exactly once through Kafka transactions that
 * commit with Flink's checkpoints (readers: {@code isolation.level=read_committed}).
 */
public final class RetrainTopic {

    private static final JsonMapper JSON = RecordJson.mapper().build();

    private RetrainTopic() {}

    public static KafkaSink<RetrainEvent> sink(KafkaClientSettings kafka, String topic, String transactionalIdPrefix) {
        return KafkaTransactions.exactlyOnceSink(
                kafka,
                transactionalIdPrefix,
                new KeyedJsonRecords<RetrainEvent>(
                        topic, e -> Prediction.modelKey(e.model, e.modelVersion), RetrainTopic::toJson, false));
    }

    public static byte[] toJson(RetrainEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (JsonProcessingException x) {
            throw new UncheckedIOException(x);
        }
    }
}
