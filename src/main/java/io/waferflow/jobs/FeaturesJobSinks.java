package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.sinks.LogSink;
import io.waferflow.alerts.sinks.WebhookSink;
import io.waferflow.config.AlertsConfig;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.StoreStatus;
import io.waferflow.model.Violation;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.OnlineStoreWriter;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.stores.topics.AlertTopic;
import io.waferflow.stores.topics.KafkaTransactions;
import io.waferflow.stores.topics.ViolationTopic;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where each output of the {@code features} job goes: one hook per {@link JobOutput} (the Immerok
 * {@code defineWorkflow} pattern), so tests and benchmarks run the production graph and only swap what they must.
 * Immutable: {@link #with} returns a copy with one hook replaced.
 */
public final class FeaturesJobSinks {

    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    /** Every output's hook, each a {@code StoreHook<T>} for its {@code JobOutput<T>}. */
    private final Map<JobOutput<?>, StoreHook<?>> hooks;

    private FeaturesJobSinks(Map<JobOutput<?>, StoreHook<?>> hooks) {
        this.hooks = Map.copyOf(hooks);
    }

    /** Every output unused: a stream without a sink is not part of the job. */
    public static FeaturesJobSinks none() {
        Map<JobOutput<?>, StoreHook<?>> hooks = new HashMap<>();
        JobOutput.ALL.forEach(output -> hooks.put(output, StoreHook.of(s -> {})));
        return new FeaturesJobSinks(hooks);
    }

    /**
     * Redis for online features and the latest drift per feature; Parquet for offline features, the raw archive, the
     * quarantine, quality events and drift metrics; the violation topic. Drift events have no sink of their own yet:
     * they are the alerting stage's input.
     */
    public static FeaturesJobSinks production(FeaturesJobConfig c) {
        return none().withStore(
                        JobOutput.ONLINE,
                        rows -> redis(
                                c,
                                rows.map(new FeatureRowToRedis(
                                                new FeatureColumns(c.schema().parameterNames()),
                                                c.redisKeyPrefix(),
                                                c.featureGroup(),
                                                c.featureVersion(),
                                                c.jobVersion(),
                                                (int) c.redisTtl().getSeconds()))
                                        .uid(Uids.REDIS_FIELDS)
                                        .name("Feature row to Redis hash"),
                                Uids.REDIS_WRITER,
                                c.redisWriters(),
                                "Online store (Redis)"))
                .with(JobOutput.OFFLINE, offlineParquet(c))
                .with(JobOutput.RAW_ARCHIVE, records -> {
                    if (c.rawArchive()) {
                        records.sinkTo(OfflineSinks.rawArchive(c))
                                .uid(Uids.RAW_SINK)
                                .name("Raw archive (Parquet)");
                    }
                })
                .with(JobOutput.VIOLATIONS, violations -> {
                    quarantineParquet(c).accept(violations);
                    violations
                            .sinkTo(ViolationTopic.sink(c))
                            .uid(c.kafkaSinkName(Uids.VIOLATION_TOPIC_SINK))
                            .name("Violations (Kafka)");
                })
                .with(JobOutput.QUALITY_EVENTS, qualityEventsParquet(c))
                .withStore(JobOutput.DRIFT_METRICS, metrics -> {
                    driftParquet(c).accept(metrics);
                    return redis(
                            c,
                            metrics.map(new DriftMetricToRedis(
                                            c.redisKeyPrefix(), c.featureGroup(), c.featureVersion(), (int)
                                                    c.redisTtl().getSeconds()))
                                    .uid(Uids.DRIFT_REDIS_FIELDS)
                                    .name("Drift metric to Redis hash"),
                            Uids.DRIFT_REDIS_WRITER,
                            1,
                            "Latest drift (Redis)");
                })
                .with(
                        JobOutput.ALERTS,
                        alerts -> alertSinks(
                                c,
                                alerts,
                                c.kafkaSinkName(
                                        c.jobName() + "-" + c.featureGroup() + "-" + c.featureVersion() + "-alerts"),
                                ""));
    }

    /**
     * A backfill writes history, not the present: the offline store, the quarantine, quality events and drift metrics
     * as Parquet under the configured version; nothing online (Redis, the violation and alert topics, webhooks), and no
     * raw archive (its records are the backfill's input).
     */
    public static FeaturesJobSinks backfill(FeaturesJobConfig c) {
        return none().with(JobOutput.OFFLINE, offlineParquet(c))
                .with(JobOutput.VIOLATIONS, quarantineParquet(c))
                .with(JobOutput.QUALITY_EVENTS, qualityEventsParquet(c))
                .with(JobOutput.DRIFT_METRICS, driftParquet(c));
    }

    private static Consumer<DataStream<WaferFeatures>> offlineParquet(FeaturesJobConfig c) {
        return rows ->
                rows.sinkTo(OfflineSinks.features(c)).uid(Uids.OFFLINE_SINK).name("Offline store (Parquet)");
    }

    private static Consumer<DataStream<Violation>> quarantineParquet(FeaturesJobConfig c) {
        return violations -> violations
                .sinkTo(OfflineSinks.quarantine(c))
                .uid(Uids.QUARANTINE_SINK)
                .name("Violations (Parquet)");
    }

    private static Consumer<DataStream<QualityEvent>> qualityEventsParquet(FeaturesJobConfig c) {
        return events -> events.sinkTo(OfflineSinks.qualityEvents(c))
                .uid(Uids.QUALITY_EVENT_SINK)
                .name("Quality events (Parquet)");
    }

    private static Consumer<DataStream<DriftMetric>> driftParquet(FeaturesJobConfig c) {
        return metrics -> metrics.sinkTo(OfflineSinks.driftMetrics(c))
                .uid(Uids.DRIFT_SINK)
                .name("Drift metrics (Parquet)");
    }

    /**
     * Rows to Redis through {@link OnlineStoreWriter}s, keyed by Redis key: all rows of a key go through one writer in
     * order, so the "never overwrite a newer window" decision made upstream still holds, and a row that waits for an
     * absent Redis is replaced by its key's newer one. Returns the writers' reports on Redis.
     */
    static DataStream<StoreStatus> redis(
            FeaturesJobConfig c, DataStream<RedisHashWrite> writes, String uid, int writers, String name) {
        return writes.keyBy(w -> w.key)
                .transform(
                        name,
                        TypeInformation.of(StoreStatus.class),
                        new OnlineStoreWriter(c.redisConnection(), "online", c.redisBatchRows()))
                .setParallelism(writers)
                .uid(uid);
    }

    /**
     * Every configured alert sink ({@code alerts.sinks}), for any job: each one that fails after its retries fails the
     * job rather than drop alerts. {@code transactionalIdPrefix} names the alert topic's transactions, unique per job;
     * {@code uidPrefix} the sinks' uids, so two jobs built into one environment (the demo) keep theirs apart.
     */
    static void alertSinks(
            FeaturesJobConfig c, DataStream<Alert> alerts, String transactionalIdPrefix, String uidPrefix) {
        AlertsConfig a = c.alerts();
        if (!a.kafkaTopic().isEmpty()) {
            alerts.sinkTo(AlertTopic.sink(c.kafkaClient(), a.kafkaTopic(), transactionalIdPrefix))
                    .uid(c.kafkaSinkName(uidPrefix + Uids.ALERT_TOPIC_SINK))
                    .name("Alerts (Kafka)");
        }
        if (!a.webhookUrl().isEmpty()) {
            WebhookSink webhook = new WebhookSink(
                            a.webhookUrl(),
                            WebhookSink.Format.valueOf(a.webhookFormat().name()),
                            WEBHOOK_TIMEOUT,
                            a.webhookAttempts(),
                            a.webhookBackoff())
                    .withToken(a.webhookTokenHeader(), a.webhookToken());
            // A receiver that is down holds back every checkpoint while the sink retries; the exactly-once topics'
            // transactions must outlive that, or the broker aborts them and their records are lost.
            Duration held = c.checkpointInterval().plus(webhook.worstCaseDelay());
            if (held.compareTo(KafkaTransactions.TIMEOUT) >= 0) {
                throw new ConfigException(
                        "alerts.sinks.webhook_attempts",
                        "lets a failing webhook hold a checkpoint "
                                + "back for up to " + webhook.worstCaseDelay().toSeconds()
                                + " s, which with the checkpoint "
                                + "interval exceeds the Kafka transaction timeout of "
                                + KafkaTransactions.TIMEOUT.toSeconds()
                                + " s",
                        "use fewer attempts or a shorter checkpointing.interval");
            }
            AlertSeverity least = a.webhookMinSeverity();
            alerts.filter(alert -> alert.severity.compareTo(least) <= 0)
                    .uid(uidPrefix + Uids.ALERT_WEBHOOK_FILTER)
                    .name("Alerts for people (" + least + " and above)")
                    .sinkTo(webhook)
                    .uid(uidPrefix + Uids.ALERT_WEBHOOK_SINK)
                    .name("Alerts (webhook)");
        }
        if (a.log()) {
            alerts.sinkTo(new LogSink()).uid(uidPrefix + Uids.ALERT_LOG_SINK).name("Alerts (log)");
        }
    }

    /** The same sinks with {@code output} written by {@code hook} instead. */
    public <T> FeaturesJobSinks with(JobOutput<T> output, Consumer<DataStream<T>> hook) {
        return withStore(output, StoreHook.of(hook));
    }

    private <T> FeaturesJobSinks withStore(JobOutput<T> output, StoreHook<T> hook) {
        Map<JobOutput<?>, StoreHook<?>> copy = new HashMap<>(hooks);
        copy.put(output, hook);
        return new FeaturesJobSinks(copy);
    }

    /**
     * The same sinks, given only what a streaming job had written by the time its watermark reached {@code watermark}:
     * feature rows, quality events and drift metrics of windows final by then (end − 1 + {@code latenessMs} at or below
     * it). A backfill that hands over to a job bootstrapped at that watermark writes exactly the rows that job will
     * not, so no (wafer, window) is written twice.
     */
    public FeaturesJobSinks finalBy(long watermark, long latenessMs) {
        return before(
                        JobOutput.OFFLINE,
                        s -> s.filter(f -> f.windowEnd - 1 + latenessMs <= watermark)
                                .uid(Uids.FINAL_BY_ROWS)
                                .name("Rows final by the hand-over"))
                .before(
                        JobOutput.QUALITY_EVENTS,
                        s -> s.filter(e -> e.windowEnd - 1 + latenessMs <= watermark)
                                .uid(Uids.FINAL_BY_QUALITY_EVENTS)
                                .name("Quality events final by the hand-over"))
                .before(
                        JobOutput.DRIFT_METRICS,
                        s -> s.filter(m -> m.windowEnd - 1 + latenessMs <= watermark)
                                .uid(Uids.FINAL_BY_DRIFT)
                                .name("Drift metrics final by the hand-over"));
    }

    /** The same sinks with {@code step} applied to {@code output}'s stream before its hook. */
    private <T> FeaturesJobSinks before(JobOutput<T> output, UnaryOperator<DataStream<T>> step) {
        StoreHook<T> hook = hook(output);
        return withStore(output, s -> hook.write(step.apply(s)));
    }

    /** Adds a hook after the existing ones for every output, e.g. to also collect results in a test. */
    public FeaturesJobSinks alsoTo(FeaturesJobSinks more) {
        Map<JobOutput<?>, StoreHook<?>> both = new HashMap<>();
        JobOutput.ALL.forEach(output -> both.put(output, andThen(output, more)));
        return new FeaturesJobSinks(both);
    }

    private <T> StoreHook<T> andThen(JobOutput<T> output, FeaturesJobSinks more) {
        return hook(output).andThen(more.hook(output));
    }

    @SuppressWarnings("unchecked") // every constructor puts a StoreHook<T> under a JobOutput<T>
    private <T> StoreHook<T> hook(JobOutput<T> output) {
        return (StoreHook<T>) hooks.get(output);
    }

    /** Writes {@code stream} with {@code output}'s hook; its writers' reports on their store, or null. */
    <T> DataStream<StoreStatus> write(JobOutput<T> output, DataStream<T> stream) {
        return hook(output).write(stream);
    }
}
