package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.waferflow.model.DriftGroups;
import io.waferflow.model.FeatureColumns;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed, validated configuration of the {@code features} job: {@code jobs/features.yaml} plus overrides, bound
 * section by section (one component per top-level key). Every problem is reported as a {@link ConfigException} before
 * any Flink job is built. Immutable and serializable so operators can carry the parts they need.
 */
public record FeaturesJobConfig(
        Job job,
        InputSchema schema,
        QualityConfig quality,
        @JsonProperty("feature_group") FeatureGroup group,
        DriftConfig drift,
        AlertsConfig alerts,
        KafkaSection kafka,
        RedisSection redis,
        Offline offline,
        Checkpointing checkpointing,
        int parallelism,
        ServingConfig serving,
        LineageConfig lineage,
        MonitorConfig monitor,
        StdfConfig stdf)
        implements Serializable {

    /** Where a job without restored source state starts reading; TIMESTAMP: {@link #startingTimestamp}. */
    public enum StartingOffsets {
        COMMITTED,
        EARLIEST,
        LATEST,
        TIMESTAMP
    }

    public FeaturesJobConfig {
        Check.between("parallelism", parallelism, 1, 1024);
        // The alert policies count in the windows they watch. Sliding windows whose slide divides the size
        // (WindowSpec insists) include a subset that tiles time: drift reads only those, so no value counts twice.
        // Needs the schema's parameters, so checked here rather than in FeatureGroup.
        DerivedDefinitions.parse(group.derived(), new FeatureColumns(schema.parameterNames()).names());
        WindowSpec wafers = group.window();
        alerts = alerts.withCadence(new AlertsConfig.Cadence(
                drift.window().toMillis(),
                wafers.cadence().toMillis(),
                wafers.allowedLateness().toMillis()));
        // The mapped parameters must be the schema's: checked here, where both sections are known.
        stdf = stdf.checkedAgainst(schema);
        checkDriftGroups(drift, schema);
    }

    /** Each {@code drift.group_by} field must be declared by the schema and carried by the records to drift. */
    private static void checkDriftGroups(DriftConfig drift, InputSchema schema) {
        for (String field : drift.groupBy()) {
            if (schema.field(field) == null) {
                throw new ConfigException(
                        "drift.group_by",
                        "names '" + field + "', which the input schema does not declare",
                        "group by a field of schema.fields: " + String.join(", ", DriftGroups.GROUPABLE));
            }
            if (!DriftGroups.GROUPABLE.contains(field)) {
                throw new ConfigException(
                        "drift.group_by",
                        "names '" + field + "', which records do not carry to drift detection",
                        "group by " + String.join(" or ", DriftGroups.GROUPABLE));
            }
        }
    }

    /** {@code job}: the job's name, and its version, written into every offline row. */
    public record Job(String name, String version) implements Serializable {}

    /**
     * {@code feature_group}: what the job computes, over which windows, with which watermarks; and the derived features
     * readers compute from its rows on read (name → expression, in declaration order; see {@link DerivedDefinitions});
     * and the directory of the feature registry that describes it ({@code io.waferflow.config.registry}), absolute:
     * {@code registry} beside the job file unless {@code feature_group.registry} names one.
     */
    public record FeatureGroup(
            String name,
            String version,
            WindowSpec window,
            Watermark watermark,
            Duration waferQuietTimeout,
            Map<String, String> derived,
            String registry)
            implements Serializable {

        public FeatureGroup {
            Check.identifier("name", name);
            Check.identifier("version", version);
            // Jackson binds a LinkedHashMap: the copy keeps the declaration order, which the checks and readers use.
            derived = Collections.unmodifiableMap(new LinkedHashMap<>(derived == null ? Map.of() : derived));
            if (waferQuietTimeout.compareTo(window.allowedLateness()) <= 0) {
                throw InvalidValue.at(
                        "wafer_quiet_timeout",
                        "is not longer than allowed_lateness " + window.allowedLateness(),
                        "set it above feature_group.window.allowed_lateness, or a late"
                                + " record would find its wafer forgotten");
            }
        }
    }

    /**
     * {@code feature_group.watermark}: a Kafka partition silent for {@code idleness} stops holding the watermark back;
     * {@code emit} periodic (production) or per_record (lateness decided by input order alone: reproducible replays).
     */
    public record Watermark(Duration outOfOrderness, Duration idleness, Emit emit) implements Serializable {

        public enum Emit {
            PERIODIC,
            PER_RECORD
        }
    }

    /** {@code offline}: the offline store's root, and whether this job writes the raw archive. */
    public record Offline(String root, boolean rawArchive) implements Serializable {}

    /** {@code checkpointing}: Parquet files are committed on checkpoints, so checkpointing cannot be off. */
    public record Checkpointing(Duration interval, String dir) implements Serializable {

        public Checkpointing {
            if (interval.toMillis() < 10) {
                throw InvalidValue.at(
                        "interval",
                        "is below 10 ms",
                        "set e.g. \"30 s\": Parquet files are committed on checkpoints, so checkpointing"
                                + " cannot be off");
            }
        }
    }

    public static FeaturesJobConfig from(RawConfig raw) {
        String registry = raw.optional(REGISTRY_KEY).orElseGet(() -> besideTheJobFile(raw.source()));
        return raw.with(
                        REGISTRY_KEY,
                        Path.of(registry).toAbsolutePath().normalize().toString())
                .bind("", new TypeReference<FeaturesJobConfig>() {});
    }

    /**
     * The feature registry's directory: {@code registry} beside the job file; for a configuration parsed from text (no
     * file), the shipped one's, {@code jobs/registry}.
     */
    private static String besideTheJobFile(String source) {
        Path dir = source.startsWith("<")
                ? Path.of("jobs")
                : Path.of(source).toAbsolutePath().getParent();
        return dir.resolve("registry").toString();
    }

    /** The key of the feature registry's directory. */
    public static final String REGISTRY_KEY = "feature_group.registry";

    public static FeaturesJobConfig load(Path yaml, List<String> overrides) {
        return from(RawConfig.load(yaml, overrides));
    }

    public String jobName() {
        return job.name();
    }

    public String jobVersion() {
        return job.version();
    }

    public String featureGroup() {
        return group.name();
    }

    public String featureVersion() {
        return group.version();
    }

    public WindowSpec window() {
        return group.window();
    }

    /**
     * {@code feature_group.derived}: derived feature name → expression, in declaration order, checked against the
     * group's feature columns (compile them with {@code io.waferflow.derived.DerivedFeatures}).
     */
    public Map<String, String> derivedFeatures() {
        return group.derived();
    }

    /** The directory of the feature registry (absolute), which holds {@code <group>.yaml} for every group. */
    public Path registryDirectory() {
        return Path.of(group.registry());
    }

    public Duration outOfOrderness() {
        return group.watermark().outOfOrderness();
    }

    public Duration idleness() {
        return group.watermark().idleness();
    }

    /** Whether watermarks advance on every record (reproducible lateness) instead of periodically. */
    public boolean perRecordWatermarks() {
        return group.watermark().emit() == Watermark.Emit.PER_RECORD;
    }

    public Duration waferQuietTimeout() {
        return group.waferQuietTimeout();
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Bootstrap servers and the {@code kafka.properties.*} pass-through, for every Kafka client of the job. */
    public KafkaClientSettings kafkaClient() {
        return kafka.client();
    }

    public String inputTopic() {
        return kafka.inputTopic();
    }

    /** Where every data-quality violation is published (JSON, keyed by wafer, exactly once). */
    public String violationsTopic() {
        return kafka.violationsTopic();
    }

    /** See {@link KafkaSection#violationsPayloadPrefixBytes}. */
    public int violationsPayloadPrefixBytes() {
        return kafka.violationsPayloadPrefixBytes();
    }

    public String groupId() {
        return kafka.groupId();
    }

    public StartingOffsets startingOffsets() {
        return kafka.startingOffsets().offsets();
    }

    /** The Kafka record timestamp to start from, for {@link StartingOffsets#TIMESTAMP}; else -1. */
    public long startingTimestamp() {
        return kafka.startingOffsets().timestamp();
    }

    /** Kafka readers configured explicitly, or 0 for auto (see {@code KafkaInput.readers}). */
    public int sourceParallelism() {
        return kafka.sourceParallelism();
    }

    /**
     * Names the output topics' exactly-once sinks (their uids and transactional ids) for one Kafka cluster: a new value
     * starts them without the previous cluster's pending transactions (restore with unclaimed state allowed).
     */
    public String kafkaSinkEpoch() {
        return kafka.sinkEpoch();
    }

    /** The uid, or transactional-id prefix, of an output topic's sink under {@link #kafkaSinkEpoch}. */
    public String kafkaSinkName(String name) {
        return kafka.sinkEpoch().isEmpty() ? name : name + "-" + kafka.sinkEpoch();
    }

    public String redisHost() {
        return redis.host();
    }

    public int redisPort() {
        return redis.port();
    }

    /** Address, credentials and TLS settings of the online store, for every Redis client. */
    public RedisConnection redisConnection() {
        return redis.connection();
    }

    public Duration redisTtl() {
        return redis.ttl();
    }

    public String redisKeyPrefix() {
        return redis.keyPrefix();
    }

    /** Parallel Redis writers: each waits on one round trip per batch, so writers overlap the waits. */
    public int redisWriters() {
        return redis.writers();
    }

    /** Rows per pipelined round trip of a Redis writer. */
    public int redisBatchRows() {
        return redis.batchRows();
    }

    public String offlineRoot() {
        return offline.root();
    }

    /** Whether this job writes the raw archive (one writer per offline root: off for a second version). */
    public boolean rawArchive() {
        return offline.rawArchive();
    }

    /** The offline root as a URI: a plain path is made absolute, so files land where the user ran the command. */
    public String offlineRootUri() {
        return toUri(offline.root());
    }

    /** Where the OpenLineage run events of this configuration's jobs go. */
    public LineageConfig lineage() {
        return lineage;
    }

    public Duration checkpointInterval() {
        return checkpointing.interval();
    }

    public String checkpointDir() {
        return checkpointing.dir();
    }

    public String checkpointDirUri() {
        return toUri(checkpointing.dir());
    }

    /**
     * A location as Flink wants it: a URI stays as it is ({@code s3://...}, {@code file:/...}, as Flink prints
     * savepoint paths); a plain path is made absolute.
     */
    public static String toUri(String pathOrUri) {
        if (pathOrUri.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            return pathOrUri;
        }
        return Path.of(pathOrUri).toAbsolutePath().normalize().toUri().toString();
    }
}
