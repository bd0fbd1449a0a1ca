package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.stores.topics.AlertTopic;
import io.waferflow.alerts.sinks.LogSink;
import io.waferflow.alerts.sinks.WebhookSink;
import io.waferflow.config.AlertsConfig;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.DeviceTest;
import io.waferflow.drift.DriftMetric;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Violation;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.FeatureRowToRedis;
import io.waferflow.stores.online.OnlineStoreWriter;
import io.waferflow.stores.online.OnlineStoreWriterOperator;
import io.waferflow.stores.online.RedisHashWrite;
import io.waferflow.model.StoreStatus;
import io.waferflow.stores.topics.KafkaTransactions;
import io.waferflow.stores.topics.ViolationTopic;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where each output of the {@code features} job goes: one hook per stream (the Immerok {@code defineWorkflow}
 * pattern), so tests and benchmarks run the production graph and only swap what they must. Immutable: the
 * {@code with…} methods return a copy with one hook replaced.
 */
public final class FeaturesJobSinks {

    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    private StoreHook<WaferFeatures> online;
    private Consumer<DataStream<WaferFeatures>> offline;
    private Consumer<DataStream<DeviceTest>> rawArchive;
    private Consumer<DataStream<Violation>> quarantine;
    private Consumer<DataStream<QualityEvent>> qualityEvents;
    private StoreHook<DriftMetric> driftMetrics;
    private Consumer<DataStream<DriftMetric>> driftEvents;
    private Consumer<DataStream<Alert>> alerts;

    private FeaturesJobSinks(StoreHook<WaferFeatures> online, Consumer<DataStream<WaferFeatures>> offline,
                             Consumer<DataStream<DeviceTest>> rawArchive, Consumer<DataStream<Violation>> quarantine,
                             Consumer<DataStream<QualityEvent>> qualityEvents,
                             StoreHook<DriftMetric> driftMetrics,
                             Consumer<DataStream<DriftMetric>> driftEvents,
                             Consumer<DataStream<Alert>> alerts) {
        this.online = online;
        this.offline = offline;
        this.rawArchive = rawArchive;
        this.quarantine = quarantine;
        this.qualityEvents = qualityEvents;
        this.driftMetrics = driftMetrics;
        this.driftEvents = driftEvents;
        this.alerts = alerts;
    }

    /** Every output unused: a stream without a sink is not part of the job. */
    public static FeaturesJobSinks none() {
        return new FeaturesJobSinks(StoreHook.of(s -> { }), s -> { }, s -> { }, s -> { }, s -> { },
                StoreHook.of(s -> { }), s -> { }, s -> { });
    }

    /**
     * Redis for online features and the latest drift per feature; Parquet for offline features, the raw archive, the
     * quarantine, quality events and drift metrics; the violation topic. Drift events have no sink of their own yet:
     * they are the alerting stage's input.
     */
    public static FeaturesJobSinks production(FeaturesJobConfig c) {
        FeaturesJobSinks sinks = none()
                .withOffline(rows -> rows.sinkTo(OfflineSinks.features(c)).uid(Uids.OFFLINE_SINK)
                        .name("Offline store (Parquet)"))
                .withRawArchive(records -> {
                    if (c.rawArchive()) {
                        records.sinkTo(OfflineSinks.rawArchive(c)).uid(Uids.RAW_SINK).name("Raw archive (Parquet)");
                    }
                })
                .withViolations(violations -> {
                    violations.sinkTo(OfflineSinks.quarantine(c)).uid(Uids.QUARANTINE_SINK)
                            .name("Violations (Parquet)");
                    violations.sinkTo(ViolationTopic.sink(c)).uid(c.kafkaSinkName(Uids.VIOLATION_TOPIC_SINK))
                            .name("Violations (Kafka)");
                })
                .withQualityEvents(events -> events.sinkTo(OfflineSinks.qualityEvents(c)).uid(Uids.QUALITY_EVENT_SINK)
                        .name("Quality events (Parquet)"))
                .withAlerts(alerts -> alertSinks(c, alerts));
        sinks.online = rows -> redis(c, rows.map(new FeatureRowToRedis(new FeatureColumns(c.schema().parameterNames()),
                        c.redisKeyPrefix(), c.featureGroup(), c.featureVersion(), c.jobVersion(),
                        (int) c.redisTtl().getSeconds())).uid(Uids.REDIS_FIELDS).name("Feature row to Redis hash"),
                Uids.REDIS_WRITER, c.redisWriters(), "Online store (Redis)");
        sinks.driftMetrics = metrics -> {
            metrics.sinkTo(OfflineSinks.driftMetrics(c)).uid(Uids.DRIFT_SINK).name("Drift metrics (Parquet)");
            return redis(c, metrics.map(new DriftMetricToRedis(c.redisKeyPrefix(), c.featureGroup(),
                            c.featureVersion(), (int) c.redisTtl().getSeconds()))
                    .uid(Uids.DRIFT_REDIS_FIELDS).name("Drift metric to Redis hash"),
                    Uids.DRIFT_REDIS_WRITER, 1, "Latest drift (Redis)");
        };
        return sinks;
    }

    /**
     * Rows to Redis through {@link OnlineStoreWriter}s, keyed by Redis key: all rows of a key go through one writer in
     * order, so the "never overwrite a newer window" decision made upstream still holds, and a row that waits for an
     * absent Redis is replaced by its key's newer one. Returns the writers' reports on Redis.
     */
    private static DataStream<StoreStatus> redis(FeaturesJobConfig c, DataStream<RedisHashWrite> writes, String uid,
                                                 int writers, String name) {
        return writes.keyBy(w -> w.key)
                .transform(name, TypeInformation.of(StoreStatus.class),
                        new OnlineStoreWriterOperator(new OnlineStoreWriter(c.redisConnection(), "online")))
                .setParallelism(writers).uid(uid);
    }

    /** Every configured alert sink; each one that fails after its retries fails the job rather than drop alerts. */
    private static void alertSinks(FeaturesJobConfig c, DataStream<Alert> alerts) {
        AlertsConfig a = c.alerts();
        if (!a.kafkaTopic().isEmpty()) {
            alerts.sinkTo(AlertTopic.sink(c.kafkaClient(), a.kafkaTopic(),
                            c.kafkaSinkName(c.jobName() + "-" + c.featureGroup() + "-" + c.featureVersion() + "-alerts")))
                    .uid(c.kafkaSinkName(Uids.ALERT_TOPIC_SINK)).name("Alerts (Kafka)");
        }
        if (!a.webhookUrl().isEmpty()) {
            WebhookSink webhook = new WebhookSink(a.webhookUrl(), WebhookSink.Format.valueOf(a.webhookFormat().name()),
                    WEBHOOK_TIMEOUT, a.webhookAttempts(), a.webhookBackoff())
                    .withToken(a.webhookTokenHeader(), a.webhookToken());
            // A receiver that is down holds back every checkpoint while the sink retries; the exactly-once topics'
            // transactions must outlive that, or the broker aborts them and their records are lost.
            Duration held = c.checkpointInterval().plus(webhook.worstCaseDelay());
            if (held.compareTo(KafkaTransactions.TIMEOUT) >= 0) {
                throw new ConfigException("alerts.sinks.webhook_attempts", "lets a failing webhook hold a checkpoint "
                        + "back for up to " + webhook.worstCaseDelay().toSeconds() + " s, which with the checkpoint "
                        + "interval exceeds the Kafka transaction timeout of " + KafkaTransactions.TIMEOUT.toSeconds()
                        + " s", "use fewer attempts or a shorter checkpointing.interval");
            }
            AlertSeverity least = a.webhookMinSeverity();
            alerts.filter(alert -> alert.severity.compareTo(least) <= 0)
                    .uid(Uids.ALERT_WEBHOOK_FILTER).name("Alerts for people (" + least + " and above)")
                    .sinkTo(webhook)
                    .uid(Uids.ALERT_WEBHOOK_SINK).name("Alerts (webhook)");
        }
        if (a.log()) {
            alerts.sinkTo(new LogSink()).uid(Uids.ALERT_LOG_SINK).name("Alerts (log)");
        }
    }

    /**
     * A backfill writes history, not the present: the offline store, the quarantine, quality events and drift metrics
     * as Parquet under the configured version; nothing online (Redis, the violation and alert topics, webhooks), and
     * no raw archive (its records are the backfill's input).
     */
    public static FeaturesJobSinks backfill(FeaturesJobConfig c) {
        return none()
                .withOffline(rows -> rows.sinkTo(OfflineSinks.features(c)).uid(Uids.OFFLINE_SINK)
                        .name("Offline store (Parquet)"))
                .withViolations(violations -> violations.sinkTo(OfflineSinks.quarantine(c)).uid(Uids.QUARANTINE_SINK)
                        .name("Violations (Parquet)"))
                .withQualityEvents(events -> events.sinkTo(OfflineSinks.qualityEvents(c)).uid(Uids.QUALITY_EVENT_SINK)
                        .name("Quality events (Parquet)"))
                .withDriftMetrics(metrics -> metrics.sinkTo(OfflineSinks.driftMetrics(c)).uid(Uids.DRIFT_SINK)
                        .name("Drift metrics (Parquet)"));
    }

    public FeaturesJobSinks withOnline(Consumer<DataStream<WaferFeatures>> hook) {
        FeaturesJobSinks copy = copy();
        copy.online = StoreHook.of(hook);
        return copy;
    }

    public FeaturesJobSinks withOffline(Consumer<DataStream<WaferFeatures>> hook) {
        FeaturesJobSinks copy = copy();
        copy.offline = hook;
        return copy;
    }

    public FeaturesJobSinks withRawArchive(Consumer<DataStream<DeviceTest>> hook) {
        FeaturesJobSinks copy = copy();
        copy.rawArchive = hook;
        return copy;
    }

    public FeaturesJobSinks withViolations(Consumer<DataStream<Violation>> hook) {
        FeaturesJobSinks copy = copy();
        copy.quarantine = hook;
        return copy;
    }

    public FeaturesJobSinks withQualityEvents(Consumer<DataStream<QualityEvent>> hook) {
        FeaturesJobSinks copy = copy();
        copy.qualityEvents = hook;
        return copy;
    }

    public FeaturesJobSinks withDriftMetrics(Consumer<DataStream<DriftMetric>> hook) {
        FeaturesJobSinks copy = copy();
        copy.driftMetrics = StoreHook.of(hook);
        return copy;
    }

    /** Drift metrics with a moderate or drift verdict: the alerting stage's input. */
    public FeaturesJobSinks withDriftEvents(Consumer<DataStream<DriftMetric>> hook) {
        FeaturesJobSinks copy = copy();
        copy.driftEvents = hook;
        return copy;
    }

    /** Alert notifications (firing, escalated, resolved). */
    public FeaturesJobSinks withAlerts(Consumer<DataStream<Alert>> hook) {
        FeaturesJobSinks copy = copy();
        copy.alerts = hook;
        return copy;
    }

    /**
     * The same sinks, given only what a streaming job had written by the time its watermark reached
     * {@code watermark}: feature rows, quality events and drift metrics of windows final by then (end − 1 +
     * {@code latenessMs} at or below it). A backfill that hands over to a job bootstrapped at that watermark writes
     * exactly the rows that job will not, so no (wafer, window) is written twice.
     */
    public FeaturesJobSinks finalBy(long watermark, long latenessMs) {
        FeaturesJobSinks copy = copy();
        Consumer<DataStream<WaferFeatures>> rows = offline;
        Consumer<DataStream<QualityEvent>> events = qualityEvents;
        StoreHook<DriftMetric> metrics = driftMetrics;
        copy.offline = s -> rows.accept(s.filter(f -> f.windowEnd - 1 + latenessMs <= watermark)
                .uid(Uids.FINAL_BY_ROWS).name("Rows final by the hand-over"));
        copy.qualityEvents = s -> events.accept(s.filter(e -> e.windowEnd - 1 + latenessMs <= watermark)
                .uid(Uids.FINAL_BY_QUALITY_EVENTS).name("Quality events final by the hand-over"));
        copy.driftMetrics = s -> metrics.write(s.filter(m -> m.windowEnd - 1 + latenessMs <= watermark)
                .uid(Uids.FINAL_BY_DRIFT).name("Drift metrics final by the hand-over"));
        return copy;
    }

    private FeaturesJobSinks copy() {
        return new FeaturesJobSinks(online, offline, rawArchive, quarantine, qualityEvents, driftMetrics, driftEvents,
                alerts);
    }

    /** Adds a hook after the existing ones for every output, e.g. to also collect results in a test. */
    public FeaturesJobSinks alsoTo(FeaturesJobSinks more) {
        return new FeaturesJobSinks(online.andThen(more.online), offline.andThen(more.offline),
                rawArchive.andThen(more.rawArchive), quarantine.andThen(more.quarantine),
                qualityEvents.andThen(more.qualityEvents), driftMetrics.andThen(more.driftMetrics),
                driftEvents.andThen(more.driftEvents), alerts.andThen(more.alerts));
    }

    /** The online sink; its store reports, or null. */
    DataStream<StoreStatus> online(DataStream<WaferFeatures> s) {
        return online.write(s);
    }

    void offline(DataStream<WaferFeatures> s) {
        offline.accept(s);
    }

    void rawArchive(DataStream<DeviceTest> s) {
        rawArchive.accept(s);
    }

    void violations(DataStream<Violation> s) {
        quarantine.accept(s);
    }

    void qualityEvents(DataStream<QualityEvent> s) {
        qualityEvents.accept(s);
    }

    /** The drift metric sinks; their store reports, or null. */
    DataStream<StoreStatus> driftMetrics(DataStream<DriftMetric> s) {
        return driftMetrics.write(s);
    }

    void driftEvents(DataStream<DriftMetric> s) {
        driftEvents.accept(s);
    }

    void alerts(DataStream<Alert> s) {
        alerts.accept(s);
    }
}
