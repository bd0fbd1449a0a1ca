package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.ParsedDeviceTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Runs the production {@code features} graph in a test: the shipped configuration pointed at the test's Kafka, Redis
 * and temp folder, 1-minute windows with 30 s lateness and a 5 s out-of-orderness bound, a bounded Kafka source,
 * parallelism 2, and no restarts (a job that fails on input fails the test).
 */
public final class FeaturesJobRun {

    private FeaturesJobRun() {}

    /** One MiniCluster per test class: 1 TaskManager with 2 slots, for parallelism 2. */
    public static MiniClusterExtension miniCluster() {
        return miniCluster(new Configuration());
    }

    /** The same, with cluster-level settings (those the JobManager reads, such as retained checkpoints). */
    public static MiniClusterExtension miniCluster(Configuration cluster) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(cluster)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    public static FeaturesJobConfig config(
            EmbeddedKafka kafka,
            LocalRedis redis,
            Path dir,
            String inputTopic,
            String violationsTopic,
            String name,
            String... overrides) {
        return FeaturesJobConfig.from(rawConfig(kafka, redis, dir, inputTopic, violationsTopic, name, overrides));
    }

    /** The same, for any broker and Redis (e.g. processes a test stops and starts again). */
    public static FeaturesJobConfig config(
            String bootstrapServers,
            String redisHost,
            int redisPort,
            Path dir,
            String inputTopic,
            String violationsTopic,
            String name,
            String... overrides) {
        return FeaturesJobConfig.from(
                rawConfig(bootstrapServers, redisHost, redisPort, dir, inputTopic, violationsTopic, name, overrides));
    }

    /** The same, before parsing (e.g. to resolve {@code ${env:NAME}} from a test's own environment). */
    public static RawConfig rawConfig(
            EmbeddedKafka kafka,
            LocalRedis redis,
            Path dir,
            String inputTopic,
            String violationsTopic,
            String name,
            String... overrides) {
        return rawConfig(
                kafka.bootstrapServers(),
                redis.host(),
                redis.port(),
                dir,
                inputTopic,
                violationsTopic,
                name,
                overrides);
    }

    private static RawConfig rawConfig(
            String bootstrapServers,
            String redisHost,
            int redisPort,
            Path dir,
            String inputTopic,
            String violationsTopic,
            String name,
            String... overrides) {
        return RawConfig.load(
                TestConfigs.FEATURES_YAML,
                settings(bootstrapServers, redisHost, redisPort, dir, inputTopic, violationsTopic, name, overrides));
    }

    /**
     * The test settings as {@code key=value} overrides of the shipped file, {@code overrides} last (the last value of a
     * key wins): for a job started from the command line ({@link #commandLine}).
     */
    public static List<String> settings(
            String bootstrapServers,
            String redisHost,
            int redisPort,
            Path dir,
            String inputTopic,
            String violationsTopic,
            String name,
            String... overrides) {
        List<String> all = new ArrayList<>(List.of(
                "kafka.bootstrap_servers=" + bootstrapServers,
                "kafka.input_topic=" + inputTopic,
                "kafka.violations_topic=" + violationsTopic,
                "kafka.group_id=" + name,
                "kafka.starting_offsets=earliest",
                "redis.host=" + redisHost,
                "redis.port=" + redisPort,
                "redis.key_prefix=" + name,
                "offline.root=" + dir.resolve("data"),
                "checkpointing.interval=500 ms",
                "checkpointing.dir=" + dir.resolve("checkpoints"),
                // Fixtures have fixed dates: they must not become "future" on a machine whose clock is behind.
                "quality.event_time.max_future_skew=3650 d",
                "feature_group.window.size=1 min",
                "feature_group.window.allowed_lateness=30 s",
                "feature_group.watermark.out_of_orderness=5 s",
                // No alert topic unless a test creates one and names it (the broker does not create topics).
                "alerts.sinks.kafka_topic=",
                "parallelism=2"));
        all.addAll(Arrays.asList(overrides));
        return all;
    }

    /** {@code features --config <file> --set <setting> ...}: the command line of the job with these settings. */
    public static List<String> commandLine(Path configFile, List<String> settings) {
        List<String> args = new ArrayList<>(List.of("features", "--config", configFile.toString()));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    /** The job's Flink configuration without restarts: a job that fails on input fails the test. */
    public static Configuration flinkConfiguration(FeaturesJobConfig config) {
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return flink;
    }

    /** The job's Flink configuration with up to {@code attempts} restarts, {@code delay} apart. */
    public static Configuration restarting(FeaturesJobConfig config, int attempts, Duration delay) {
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, delay);
        return flink;
    }

    /** Runs the production graph on the bounded source to the end of the input, without restarts. */
    public static JobExecutionResult execute(FeaturesJobConfig config, String jobName) throws Exception {
        return execute(config, jobName, flinkConfiguration(config), FeaturesJobSinks.production(config));
    }

    public static JobExecutionResult execute(
            FeaturesJobConfig config, String jobName, Configuration flink, FeaturesJobSinks sinks) throws Exception {
        return environment(config, KafkaInput.boundedToLatest(config), flink, sinks)
                .execute(jobName);
    }

    /** Runs the production graph on another bounded source (e.g. STDF files), without restarts. */
    public static JobExecutionResult execute(
            FeaturesJobConfig config, Source<ParsedDeviceTest, ?, ?> source, String jobName) throws Exception {
        return execute(config, source, flinkConfiguration(config), jobName);
    }

    /** The same, with the given Flink configuration (e.g. {@link #restarting}). */
    public static JobExecutionResult execute(
            FeaturesJobConfig config, Source<ParsedDeviceTest, ?, ?> source, Configuration flink, String jobName)
            throws Exception {
        return environment(config, source, flink, FeaturesJobSinks.production(config))
                .execute(jobName);
    }

    /** Runs the graph as {@code waferflow backfill} does: batch execution, from {@code source} into {@code sinks}. */
    public static JobExecutionResult backfill(
            FeaturesJobConfig config, Source<ParsedDeviceTest, ?, ?> source, FeaturesJobSinks sinks, String jobName)
            throws Exception {
        StreamExecutionEnvironment env = BackfillCommand.environment(config);
        new FeaturesJob(config, source, sinks).build(env);
        return env.execute(jobName);
    }

    /** Starts the job on the unbounded source, as production runs it; the test stops it. */
    public static JobClient start(FeaturesJobConfig config, String jobName, Configuration flink, FeaturesJobSinks sinks)
            throws Exception {
        return environment(config, KafkaInput.source(config), flink, sinks).executeAsync(jobName);
    }

    private static StreamExecutionEnvironment environment(
            FeaturesJobConfig config,
            Source<ParsedDeviceTest, ?, ?> source,
            Configuration flink,
            FeaturesJobSinks sinks) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        new FeaturesJob(config, source, sinks).build(env);
        return env;
    }

    /** Stops the job with a savepoint under {@code dir}, leaving its windows open in state; the savepoint's path. */
    public static String savepoint(JobClient job, Path dir) throws Exception {
        return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(3, TimeUnit.MINUTES);
    }

    /**
     * Stops the job with a draining savepoint under {@code dir} (the final watermark fires every window and timer,
     * every file and transaction commits) and returns its result. Flink refuses the savepoint while tasks are still
     * starting (e.g. right after a restore): that is tried again for up to a minute.
     */
    public static JobExecutionResult drain(JobClient job, Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                job.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(3, TimeUnit.MINUTES);
                return job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                if (job.getJobStatus().get().isTerminalState() || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Waits until the job has read {@code expected} records (its {@code records_in} counter), for at most 3 minutes;
     * accumulators that cannot be read while the job restarts count as not yet.
     */
    public static JobProgress awaitRecordsIn(JobClient job, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JobProgress p = null;
        while (System.nanoTime() < deadline) {
            try {
                p = new JobProgress(job.getAccumulators().get());
                if (p.recordsIn >= expected) {
                    return p;
                }
            } catch (java.util.concurrent.ExecutionException restarting) {
                // no accumulators while the job restarts
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job did not read " + expected + " records in 3 minutes: " + p);
    }

    /**
     * Committed feature rows ({@link ParquetFiles#rowsByWindow}) equal to the model's: the same (wafer, window)s, each
     * with the model's window end, revision and every feature column.
     */
    public static void assertRowsEqualModel(
            Map<String, Map<String, Object>> rows, Map<String, ExpectedFeatures.Row> expected, String what) {
        assertWindowsEqualModel(rows, expected, what);
        for (ExpectedFeatures.Row want : expected.values()) {
            assertThat(rows.get(want.wafer + "@" + want.windowStart).get("revision"))
                    .as(what + " " + want.wafer + "@" + want.windowStart + " revision")
                    .isEqualTo(want.revision);
        }
    }

    /**
     * Committed feature rows ({@link ParquetFiles#rowsByWindow}: one per window) for the model's (wafer, window)s, each
     * with the model's window end and every feature column.
     */
    public static void assertWindowsEqualModel(
            Map<String, Map<String, Object>> rows, Map<String, ExpectedFeatures.Row> expected, String what) {
        assertThat(rows.keySet()).as(what + ": windows").isEqualTo(expected.keySet());
        for (ExpectedFeatures.Row want : expected.values()) {
            Map<String, Object> got = rows.get(want.wafer + "@" + want.windowStart);
            assertThat(got.get("window_end"))
                    .as(what + " " + want.wafer + "@" + want.windowStart + " window_end")
                    .isEqualTo(want.windowEnd);
            assertFeatures(got, want);
        }
    }

    /**
     * A wafer's online hash (Redis) holds the model's row: its window, revision and every feature (decimal strings,
     * empty for null).
     */
    public static void assertOnlineEqualsModel(Map<String, String> hash, ExpectedFeatures.Row want, String what) {
        assertThat(hash.get("window_start")).as(what + " window_start").isEqualTo(Long.toString(want.windowStart));
        assertThat(hash.get("window_end")).as(what + " window_end").isEqualTo(Long.toString(want.windowEnd));
        assertThat(hash.get("revision")).as(what + " revision").isEqualTo(Integer.toString(want.revision));
        for (Map.Entry<String, Double> f : want.features.entrySet()) {
            String value = hash.get(f.getKey());
            if (f.getValue() == null) {
                assertThat(value).as(what + " " + f.getKey()).isEmpty();
            } else {
                assertThat(Double.parseDouble(value))
                        .as(what + " " + f.getKey())
                        .isCloseTo(f.getValue(), within(1e-9));
            }
        }
    }

    /** Every feature column of a Parquet row equals the expected row's (1e-9; null where no value). */
    public static void assertFeatures(GenericRecord got, ExpectedFeatures.Row want) {
        assertFeatures(got::get, want);
    }

    /** The same, for a row read as a map ({@link ParquetFiles#rowsByWindow}). */
    public static void assertFeatures(Map<String, Object> got, ExpectedFeatures.Row want) {
        assertFeatures(got::get, want);
    }

    private static void assertFeatures(Function<String, Object> got, ExpectedFeatures.Row want) {
        for (Map.Entry<String, Double> f : want.features.entrySet()) {
            Object value = got.apply(f.getKey());
            String what = want.wafer + "@" + want.windowStart + " " + f.getKey();
            if (f.getValue() == null) {
                assertThat(value).as(what).isNull();
            } else {
                assertThat(value).as(what).isNotNull();
                assertThat(((Number) value).doubleValue()).as(what).isCloseTo(f.getValue(), within(1e-9));
            }
        }
    }
}
