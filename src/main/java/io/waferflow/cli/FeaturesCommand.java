package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.ingest.StdfInput;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.lineage.FeaturesLineage;
import io.waferflow.lineage.Lineage;
import io.waferflow.lineage.LineageRun;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.stores.online.ServingVersions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code features}: runs the streaming feature job against the configured Kafka and Redis. */
@CommandLine.Command(
        name = "features",
        description = {
            "run the streaming feature job (Kafka or STDF files -> wafer windows -> Redis + Parquet)",
            "",
            "Runs the feature job: reads device test records from Kafka, computes per-wafer event-time window features,"
                    + " upserts them into Redis and writes Parquet under offline.root. With `flink run` it is "
                    + "submitted to"
                    + " the cluster; from bin/waferflow it runs on a local MiniCluster.",
            "",
            "A restart continues where the last run stopped: the job resumes from the latest checkpoint it kept under"
                    + " checkpointing.dir/<group>/<version> (kept also when the process is killed). With no checkpoint"
                    + " there, it refuses to start from offsets a previous run committed to Kafka (that would lose the"
                    + " state of the windows open at its last checkpoint) unless --fresh says so.",
            "",
            "Before submitting it checks that the Kafka broker, the input, violation and alert topics and Redis answer,"
                    + " and stops with the key to fix if not; and that the feature registry (feature_group.registry)"
                    + " describes the group and version, and that the version's rows in Redis and the offline store"
                    + " were written with this definition (the first run stores its fingerprint; docs/registry.md)."
                    + " While it runs (attached) it prints progress every 10 s and"
                    + " says when Kafka or Redis stops answering and when it is back."
        })
public final class FeaturesCommand implements Command, Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(FeaturesCommand.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "start from a savepoint or retained"
                    + " checkpoint (with flink run, -s PATH works too); every state in it must belong to an operator "
                    + "of this"
                    + " job")
    private String fromSavepoint;

    @Option(
            names = "--fresh",
            description = "start without state even if a checkpoint is kept, from" + " kafka.starting_offsets")
    private boolean fresh;

    @Option(
            names = "--no-checks",
            description = "skip the start-up checks that Kafka, the topics and Redis answer"
                    + " (for a client that cannot reach them while the cluster can)")
    private boolean noChecks;

    @Option(
            names = "--source",
            paramLabel = "kafka|stdf:DIR",
            defaultValue = "kafka",
            description = "where device tests come from: kafka (kafka.input_topic; the default) or stdf:DIR, the STDF"
                    + " files in DIR (a path or URI of a file system Flink reads), read in parallel and watched for"
                    + " new ones (docs/stdf.md)")
    private String sourceOption;

    @Mixin
    private ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        RawConfig raw = configOptions.raw();
        // Unresolved and with secrets masked: safe to log, and it says where each secret comes from.
        LOG.info("Configuration {}", raw);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        String stdfDir = stdfDirectory(sourceOption);
        if (!noChecks) {
            if (stdfDir == null) {
                Preflight.kafka(config, true);
            } else {
                Preflight.kafkaOutputs(config);
            }
            Preflight.redis(config);
            DefinitionCheck.verify(config, DefinitionCheck.Use.WRITE, DefinitionCheck.Use.WRITE)
                    .forEach(line -> System.out.println("waferflow features: " + line));
        } else {
            System.out.println("waferflow features: the definition fingerprint is not checked against the stores"
                    + " (--no-checks)");
        }
        Configuration flink = JobEnvironment.resumable(config);
        if ("local".equals(System.getProperty("waferflow.launcher"))) {
            // Progress counters travel with TaskManager heartbeats: every 2 s instead of 10 s on a local cluster.
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(2));
        }
        // Under `flink run -s PATH` the client's configuration already names the state to restore.
        Optional<String> fromCli = StreamExecutionEnvironment.getExecutionEnvironment(flink)
                .getConfiguration()
                .getOptional(StateRecoveryOptions.SAVEPOINT_PATH);
        Optional<String> savepoint = Optional.ofNullable(fromSavepoint).or(() -> fromCli);
        StartingState start = stdfDir == null
                ? StartingState.decide(config, savepoint, fresh)
                : StartingState.decideForFiles(config, savepoint, fresh, stdfDir);
        System.out.println("waferflow features: " + start.description());
        start.applyTo(flink);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        Source<ParsedDeviceTest, ?, ?> source = stdfDir == null
                ? KafkaInput.source(config)
                : StdfInput.source(config, new org.apache.flink.core.fs.Path(stdfDir), true);
        new FeaturesJob(config, source, FeaturesJobSinks.production(config)).build(env);
        claimServingVersion(config);
        boolean detached =
                !env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true); // flink run -d
        try (Lineage lineage = Lineage.open(config)) {
            LineageRun run = lineage.start(FeaturesLineage.features(config, raw.fingerprint(), stdfDir));
            return run.around(() -> {
                JobClient job = env.executeAsync(config.jobName());
                run.tag(LineageRun.FLINK_JOB_ID, job.getJobID().toString());
                if (detached) {
                    // The client exits now: the run's end is the cluster's to see (docs/lineage.md).
                    run.detached();
                    System.out.println("waferflow features: submitted job " + job.getJobID());
                    return 0;
                }
                try (JobConsole console = new JobConsole(config, true, System.out)) {
                    if (stdfDir != null) {
                        console.readingFiles();
                    }
                    console.follow(job, PROGRESS_EVERY);
                }
                return 0;
            });
        }
    }

    /** {@code stdf:DIR}: DIR as a URI; {@code kafka}: null. */
    static String stdfDirectory(String source) {
        if (source.equals("kafka")) {
            return null;
        }
        if (source.startsWith("stdf:") && source.length() > "stdf:".length()) {
            return FeaturesJobConfig.toUri(source.substring("stdf:".length()));
        }
        throw new ConfigException("--source", "is '" + source + "'", "write kafka or stdf:DIR (e.g. stdf:/data/stdf)");
    }

    /** The first version of a feature group to run becomes the one readers serve (see {@code waferflow version}). */
    public static void claimServingVersion(FeaturesJobConfig config) {
        try (ServingVersions versions =
                ServingVersions.open(config.redisConnection(), config.redisKeyPrefix(), config.featureGroup())) {
            if (versions.claimIfUnset(config.featureGroup(), config.featureVersion())) {
                System.out.println(config.featureGroup() + ": " + config.featureVersion() + " is the served version");
            }
        } catch (RuntimeException e) {
            // The client may not reach Redis (the job's TaskManagers do): the pointer is then set by hand.
            System.err.println("waferflow: could not claim the served version in Redis (" + e.getMessage()
                    + "); set it with 'waferflow version switch " + config.featureVersion() + " --force'");
        }
    }
}
