package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.monitor.NewestWindowOnly;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.online.ModelMetricsToRedis;
import io.waferflow.stores.topics.RetrainTopic;
import io.waferflow.stores.topics.ViolationTopic;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where each output of the {@code monitor} job goes: one hook per {@link MonitorOutput}, so tests run the production
 * graph and swap only what they must. Immutable: {@link #with} returns a copy with one hook replaced.
 */
public final class MonitorJobSinks {

    /** Every output's hook, each a {@code Consumer<DataStream<T>>} for its {@code MonitorOutput<T>}. */
    private final Map<MonitorOutput<?>, Consumer<?>> hooks;

    private MonitorJobSinks(Map<MonitorOutput<?>, Consumer<?>> hooks) {
        this.hooks = Map.copyOf(hooks);
    }

    /** Every output unused: a stream without a sink is not part of the job. */
    public static MonitorJobSinks none() {
        Map<MonitorOutput<?>, Consumer<?>> hooks = new HashMap<>();
        MonitorOutput.ALL.forEach(output -> hooks.put(output, s -> {}));
        return new MonitorJobSinks(hooks);
    }

    /**
     * Metrics to Parquet ({@code _model_metrics}) and the latest per model version to Redis; violations to the
     * quarantine ({@code _quarantine/_monitor}) and the violation topic; alerts to the features job's alert sinks;
     * model drift to Parquet ({@code _model_drift}); retrain requests to {@code monitor.retrain_topic} (none when
     * empty). The Kafka sinks are exactly once, with transactional ids of this job ({@link MonitorJob#name}).
     */
    public static MonitorJobSinks production(FeaturesJobConfig c) {
        String job = c.kafkaSinkName(MonitorJob.name(c));
        return none().with(MonitorOutput.METRICS, metrics -> {
                    metrics.sinkTo(OfflineSinks.modelMetrics(c))
                            .uid(Uids.MONITOR_METRICS_SINK)
                            .name("Model metrics (Parquet)");
                    // The writers' reports on Redis are not alerted on here: the features job does that.
                    FeaturesJobSinks.redis(
                            c,
                            metrics.keyBy(m -> m.modelKey())
                                    .process(new NewestWindowOnly())
                                    .uid(Uids.MONITOR_NEWEST_WINDOW)
                                    .name("Newest window per model version")
                                    .map(new ModelMetricsToRedis(c.redisKeyPrefix(), (int)
                                            c.redisTtl().getSeconds()))
                                    .uid(Uids.MONITOR_REDIS_FIELDS)
                                    .name("Model metrics to Redis hash"),
                            Uids.MONITOR_REDIS_WRITER,
                            1,
                            "Latest model metrics (Redis)");
                })
                .with(MonitorOutput.VIOLATIONS, violations -> {
                    violations
                            .sinkTo(OfflineSinks.monitorQuarantine(c))
                            .uid(Uids.MONITOR_QUARANTINE_SINK)
                            .name("Monitor violations (Parquet)");
                    violations
                            .sinkTo(ViolationTopic.sink(c, job + "-violations"))
                            .uid(c.kafkaSinkName(Uids.MONITOR_VIOLATION_TOPIC_SINK))
                            .name("Monitor violations (Kafka)");
                })
                .with(
                        MonitorOutput.ALERTS,
                        alerts -> FeaturesJobSinks.alertSinks(c, alerts, job + "-alerts", "monitor-"))
                .with(
                        MonitorOutput.MODEL_DRIFT,
                        drift -> drift.sinkTo(OfflineSinks.modelDrift(c))
                                .uid(Uids.MONITOR_MODEL_DRIFT_SINK)
                                .name("Model drift (Parquet)"))
                .with(MonitorOutput.RETRAIN, retrain -> {
                    String topic = c.monitor().retrainTopic();
                    if (!topic.isEmpty()) {
                        retrain.sinkTo(RetrainTopic.sink(c.kafkaClient(), topic, job + "-retrain"))
                                .uid(c.kafkaSinkName(Uids.MONITOR_RETRAIN_TOPIC_SINK))
                                .name("Retrain requests (Kafka)");
                    }
                });
    }

    /** The same sinks with {@code output} written by {@code hook} instead. */
    public <T> MonitorJobSinks with(MonitorOutput<T> output, Consumer<DataStream<T>> hook) {
        Map<MonitorOutput<?>, Consumer<?>> copy = new HashMap<>(hooks);
        copy.put(output, hook);
        return new MonitorJobSinks(copy);
    }

    /** The same sinks, and {@code also} after {@code output}'s hook (e.g. to collect it in a test). */
    public <T> MonitorJobSinks alsoTo(MonitorOutput<T> output, Consumer<DataStream<T>> also) {
        return with(output, hook(output).andThen(also));
    }

    @SuppressWarnings("unchecked") // every constructor puts a Consumer<DataStream<T>> under a MonitorOutput<T>
    private <T> Consumer<DataStream<T>> hook(MonitorOutput<T> output) {
        return (Consumer<DataStream<T>>) hooks.get(output);
    }

    /** Writes {@code stream} with {@code output}'s hook. */
    <T> void write(MonitorOutput<T> output, DataStream<T> stream) {
        hook(output).accept(stream);
    }
}
