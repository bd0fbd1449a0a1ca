package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.FeatureColumns;
import io.waferflow.features.WaferFeatures;
import io.waferflow.ingest.DeviceTest;
import io.waferflow.quality.QualityEvent;
import io.waferflow.quality.Violation;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.online.RedisFieldWriteMapper;
import io.waferflow.stores.online.ToRedisFieldWrites;
import io.waferflow.stores.topics.ViolationTopic;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.connectors.redis.RedisSink;
import org.apache.flink.streaming.connectors.redis.common.config.FlinkJedisPoolConfig;

import java.util.function.Consumer;

/**
 * Where each output of the {@code features} job goes: one hook per stream (the Immerok {@code defineWorkflow}
 * pattern), so tests and benchmarks run the production graph and only swap what they must.
 */
public final class FeaturesJobSinks {

    private final Consumer<DataStream<WaferFeatures>> online;
    private final Consumer<DataStream<WaferFeatures>> offline;
    private final Consumer<DataStream<DeviceTest>> rawArchive;
    private final Consumer<DataStream<Violation>> quarantine;
    private final Consumer<DataStream<QualityEvent>> qualityEvents;

    public FeaturesJobSinks(Consumer<DataStream<WaferFeatures>> online, Consumer<DataStream<WaferFeatures>> offline,
                            Consumer<DataStream<DeviceTest>> rawArchive, Consumer<DataStream<Violation>> quarantine,
                            Consumer<DataStream<QualityEvent>> qualityEvents) {
        this.online = online;
        this.offline = offline;
        this.rawArchive = rawArchive;
        this.quarantine = quarantine;
        this.qualityEvents = qualityEvents;
    }

    /** Redis for online features, Parquet for offline features, the raw archive and the quarantine. */
    public static FeaturesJobSinks production(FeaturesJobConfig c) {
        return new FeaturesJobSinks(
                rows -> redis(c, rows),
                rows -> rows.sinkTo(OfflineSinks.features(c)).uid(Uids.OFFLINE_SINK).name("Offline store (Parquet)"),
                records -> records.sinkTo(OfflineSinks.rawArchive(c)).uid(Uids.RAW_SINK).name("Raw archive (Parquet)"),
                violations -> {
                    violations.sinkTo(OfflineSinks.quarantine(c)).uid(Uids.QUARANTINE_SINK)
                            .name("Violations (Parquet)");
                    violations.sinkTo(ViolationTopic.sink(c)).uid(Uids.VIOLATION_TOPIC_SINK)
                            .name("Violations (Kafka)");
                },
                events -> events.sinkTo(OfflineSinks.qualityEvents(c)).uid(Uids.QUALITY_EVENT_SINK)
                        .name("Quality events (Parquet)"));
    }

    private static void redis(FeaturesJobConfig c, DataStream<WaferFeatures> rows) {
        FlinkJedisPoolConfig redis = new FlinkJedisPoolConfig.Builder()
                .setHost(c.redisHost())
                .setPort(c.redisPort())
                .setTimeout(5_000)
                .build();
        // Keyed by wafer, so all writes of a wafer go through one writer in order and the "never overwrite a newer
        // window" decision made upstream still holds; more writers than cores, because each mostly waits on Redis.
        rows.keyBy(row -> row.waferId)
                .flatMap(new ToRedisFieldWrites(new FeatureColumns(c.schema().parameterNames()), c.redisKeyPrefix(),
                        c.featureGroup(), c.featureVersion(), (int) c.redisTtl().getSeconds()))
                .setParallelism(c.redisWriters())
                .uid(Uids.REDIS_FIELDS).name("Feature row to Redis fields")
                .addSink(new RedisSink<>(redis, new RedisFieldWriteMapper()))
                .setParallelism(c.redisWriters())
                .uid(Uids.REDIS_SINK).name("Online store (Redis)");
    }

    public FeaturesJobSinks withOnline(Consumer<DataStream<WaferFeatures>> hook) {
        return new FeaturesJobSinks(hook, offline, rawArchive, quarantine, qualityEvents);
    }

    public FeaturesJobSinks withRawArchive(Consumer<DataStream<DeviceTest>> hook) {
        return new FeaturesJobSinks(online, offline, hook, quarantine, qualityEvents);
    }

    /** Adds a hook after the existing ones for every output, e.g. to also collect results in a test. */
    public FeaturesJobSinks alsoTo(FeaturesJobSinks more) {
        return new FeaturesJobSinks(online.andThen(more.online), offline.andThen(more.offline),
                rawArchive.andThen(more.rawArchive), quarantine.andThen(more.quarantine),
                qualityEvents.andThen(more.qualityEvents));
    }

    void online(DataStream<WaferFeatures> s) {
        online.accept(s);
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
}
