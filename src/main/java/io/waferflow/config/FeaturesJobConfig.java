package io.waferflow.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The parsed, validated configuration of the {@code features} job. Built once at start-up from
 * {@code jobs/features.yaml} plus overrides; every problem is reported as a {@link ConfigException} before any
 * Flink job is built. Immutable and serializable so operators can carry the parts they need.
 */
public final class FeaturesJobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where a job without restored source state starts reading; TIMESTAMP: {@link #startingTimestamp}. */
    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST, TIMESTAMP }

    private final String jobName;
    private final String jobVersion;
    private final InputSchema schema;
    private final QualityConfig quality;
    private final String featureGroup;
    private final String featureVersion;
    private final WindowSpec window;
    private final DriftConfig drift;
    private final AlertsConfig alerts;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final boolean perRecordWatermarks;
    private final Duration waferQuietTimeout;
    private final KafkaClientSettings kafkaClient;
    private final String inputTopic;
    private final String violationsTopic;
    private final int violationsPayloadPrefixBytes;
    private final String groupId;
    private final StartingOffsets startingOffsets;
    /** Kafka record timestamp (epoch ms) to start from when starting_offsets is an instant; else -1. */
    private final long startingTimestamp;
    /** 0: auto (one reader per input partition, at most {@link #parallelism}). */
    private final int sourceParallelism;
    private final RedisConnection redis;
    private final Duration redisTtl;
    private final String redisKeyPrefix;
    private final int redisWriters;
    private final String offlineRoot;
    private final Duration checkpointInterval;
    private final String checkpointDir;
    private final int parallelism;
    private final boolean rawArchive;
    private final String kafkaSinkEpoch;

    /** Whole payloads of records up to 64 KiB on the violation topic: any realistic device test record. */
    public static final int DEFAULT_VIOLATIONS_PAYLOAD_PREFIX_BYTES = 65_536;

    private FeaturesJobConfig(RawConfig raw) {
        jobName = raw.string("job.name");
        jobVersion = raw.string("job.version");
        schema = InputSchema.from(raw);
        quality = QualityConfig.from(raw);
        featureGroup = identifier(raw, "feature_group.name");
        featureVersion = identifier(raw, "feature_group.version");
        window = WindowSpec.from(raw);
        // Sliding windows whose slide divides the size (WindowSpec insists) include a subset that tiles time: drift
        // reads only those, so no value counts twice.
        drift = DriftConfig.from(raw, schema.parameterNames());
        alerts = AlertsConfig.from(raw, drift.window(), window);
        outOfOrderness = raw.duration("feature_group.watermark.out_of_orderness");
        idleness = raw.duration("feature_group.watermark.idleness");
        String emit = raw.string("feature_group.watermark.emit", "periodic");
        if (!emit.equals("periodic") && !emit.equals("per_record")) {
            throw new ConfigException("feature_group.watermark.emit", "'" + emit + "' is unknown",
                    "use periodic (production) or per_record (reproducible replays)");
        }
        perRecordWatermarks = emit.equals("per_record");
        waferQuietTimeout = raw.duration("feature_group.wafer_quiet_timeout");
        if (waferQuietTimeout.compareTo(window.allowedLateness()) <= 0) {
            throw new ConfigException("feature_group.wafer_quiet_timeout",
                    "is not longer than allowed_lateness " + window.allowedLateness(),
                    "set it above feature_group.window.allowed_lateness, or a late record would find its wafer forgotten");
        }
        kafkaClient = KafkaClientSettings.from(raw);
        inputTopic = raw.string("kafka.input_topic");
        violationsTopic = raw.string("kafka.violations_topic");
        // Whether the prefix fits the producer's request limit is checked where the sink is built (ViolationTopic).
        violationsPayloadPrefixBytes = raw.optional("kafka.violations_payload_prefix_bytes").isPresent()
                ? raw.integer("kafka.violations_payload_prefix_bytes", 0, Integer.MAX_VALUE)
                : DEFAULT_VIOLATIONS_PAYLOAD_PREFIX_BYTES;
        groupId = raw.string("kafka.group_id");
        String start = raw.string("kafka.starting_offsets", "committed");
        if (start.matches("\\d{4}-.*")) {
            try {
                startingTimestamp = java.time.Instant.parse(start).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException("kafka.starting_offsets", "'" + start + "' is not an ISO-8601 instant",
                        "write e.g. 2026-11-27T00:00:00Z");
            }
            startingOffsets = StartingOffsets.TIMESTAMP;
        } else {
            startingTimestamp = -1;
            try {
                startingOffsets = StartingOffsets.valueOf(start.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("kafka.starting_offsets", "'" + start + "' is unknown",
                        "use committed, earliest, latest or an instant such as 2026-11-27T00:00:00Z");
            }
        }
        String readers = raw.string("kafka.source_parallelism", "auto");
        if (readers.equals("auto")) {
            sourceParallelism = 0;
        } else {
            sourceParallelism = raw.integer("kafka.source_parallelism", 1, 1024);
        }
        kafkaSinkEpoch = raw.string("kafka.sink_epoch", "");
        if (!kafkaSinkEpoch.matches("[a-zA-Z0-9_]*")) {
            throw new ConfigException("kafka.sink_epoch", "'" + kafkaSinkEpoch + "' has characters other than letters,"
                    + " digits and _", "use e.g. 2 or moved_2026_11");
        }
        redis = RedisConnection.from(raw);
        redisTtl = raw.duration("redis.ttl");
        if (redisTtl.getSeconds() < 1 || redisTtl.getSeconds() > Integer.MAX_VALUE) {
            throw new ConfigException("redis.ttl", "must be between 1 s and 68 years", "set e.g. \"7 d\"");
        }
        redisKeyPrefix = raw.string("redis.key_prefix");
        redisWriters = raw.integer("redis.writers", 1, 256);
        offlineRoot = raw.string("offline.root");
        rawArchive = raw.bool("offline.raw_archive", true);
        checkpointInterval = raw.duration("checkpointing.interval");
        if (checkpointInterval.toMillis() < 10) {
            throw new ConfigException("checkpointing.interval", "is below 10 ms",
                    "set e.g. \"30 s\": Parquet files are committed on checkpoints, so checkpointing cannot be off");
        }
        checkpointDir = raw.string("checkpointing.dir");
        parallelism = raw.integer("parallelism", 1, 1024);
    }

    public static FeaturesJobConfig from(RawConfig raw) {
        return new FeaturesJobConfig(raw);
    }

    public static FeaturesJobConfig load(Path yaml, List<String> overrides) {
        return from(RawConfig.load(yaml, overrides));
    }

    /** Names that end up in Redis keys and Parquet paths: keep them to a safe alphabet. */
    private static String identifier(RawConfig raw, String key) {
        String v = raw.string(key);
        if (!v.matches("[A-Za-z0-9_\\-]+")) {
            throw new ConfigException(key, "'" + v + "' has characters that are unsafe in Redis keys and paths",
                    "use letters, digits, '_' and '-' only");
        }
        return v;
    }

    public String jobName() {
        return jobName;
    }

    public String jobVersion() {
        return jobVersion;
    }

    public InputSchema schema() {
        return schema;
    }

    public QualityConfig quality() {
        return quality;
    }

    public String featureGroup() {
        return featureGroup;
    }

    public String featureVersion() {
        return featureVersion;
    }

    public WindowSpec window() {
        return window;
    }

    public AlertsConfig alerts() {
        return alerts;
    }

    public DriftConfig drift() {
        return drift;
    }

    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    public Duration idleness() {
        return idleness;
    }

    /** Whether watermarks advance on every record (reproducible lateness) instead of periodically. */
    public boolean perRecordWatermarks() {
        return perRecordWatermarks;
    }

    public Duration waferQuietTimeout() {
        return waferQuietTimeout;
    }

    public String kafkaBootstrapServers() {
        return kafkaClient.bootstrapServers();
    }

    /** Bootstrap servers and the {@code kafka.properties.*} pass-through, for every Kafka client of the job. */
    public KafkaClientSettings kafkaClient() {
        return kafkaClient;
    }

    public String inputTopic() {
        return inputTopic;
    }

    /** Where every data-quality violation is published (JSON, keyed by wafer, exactly once). */
    public String violationsTopic() {
        return violationsTopic;
    }

    /**
     * UTF-8 bytes of a quarantined record's raw payload that its violation message carries; the Parquet quarantine
     * keeps the whole payload.
     */
    public int violationsPayloadPrefixBytes() {
        return violationsPayloadPrefixBytes;
    }

    public String groupId() {
        return groupId;
    }

    /** The Kafka record timestamp to start from, for {@link StartingOffsets#TIMESTAMP}. */
    public long startingTimestamp() {
        return startingTimestamp;
    }

    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }

    public String redisHost() {
        return redis.host();
    }

    public int redisPort() {
        return redis.port();
    }

    /** Address, credentials and TLS settings of the online store, for every Redis client. */
    public RedisConnection redisConnection() {
        return redis;
    }

    public Duration redisTtl() {
        return redisTtl;
    }

    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    /** Parallel Redis writers: the Bahir sink waits for one round trip per field, so writers overlap the waits. */
    public int redisWriters() {
        return redisWriters;
    }

    public String offlineRoot() {
        return offlineRoot;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    public String checkpointDir() {
        return checkpointDir;
    }

    /** The offline root as a URI: a plain path is made absolute, so files land where the user ran the command. */
    public String offlineRootUri() {
        return toUri(offlineRoot);
    }

    public String checkpointDirUri() {
        return toUri(checkpointDir);
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

    public int parallelism() {
        return parallelism;
    }

    /**
     * Names the output topics' exactly-once sinks (their uids and transactional ids) for one Kafka cluster: a new
     * value starts them without the previous cluster's pending transactions (restore with unclaimed state allowed).
     */
    public String kafkaSinkEpoch() {
        return kafkaSinkEpoch;
    }

    /** The uid, or transactional-id prefix, of an output topic's sink under {@link #kafkaSinkEpoch}. */
    public String kafkaSinkName(String name) {
        return kafkaSinkEpoch.isEmpty() ? name : name + "-" + kafkaSinkEpoch;
    }

    /** Whether this job writes the raw archive (one writer per offline root: off for a second version). */
    public boolean rawArchive() {
        return rawArchive;
    }

    /** Kafka readers configured explicitly, or 0 for auto (see {@code KafkaInput.readers}). */
    public int sourceParallelism() {
        return sourceParallelism;
    }
}
