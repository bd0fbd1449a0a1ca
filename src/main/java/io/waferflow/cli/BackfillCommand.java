package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.ArchiveInput;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.lineage.FeaturesLineage;
import io.waferflow.lineage.Lineage;
import io.waferflow.lineage.LineageJob;
import io.waferflow.lineage.LineageRun;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.stores.offline.RawArchiveWriteSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code backfill}: the features job's own graph, in bounded (batch) execution, over a time range of the input topic,
 * writing the offline store (and quarantine, quality events, drift metrics) under a feature version. No second
 * implementation of any feature: only the source is bounded and the sinks are the offline ones.
 */
@CommandLine.Command(
        name = "backfill",
        description = {
            "recompute the offline store for a feature version over history (same graph, batch mode)",
            "",
            "Runs the features job graph in BATCH execution over the input topic's records with Kafka timestamps in"
                    + " [--from, --to) (default: all of it), and writes Parquet under offline.root:"
                    + " <group>/version=V/..., _quarantine/, _quality_events/, _drift/. Nothing is written online.",
            "In batch execution every record is on time (the watermark is perfect): records a live run quarantined as"
                    + " too late are aggregated here."
        })
public final class BackfillCommand implements Command, Callable<Integer> {

    @Option(
            names = "--version",
            paramLabel = "V",
            description = "overrides feature_group.version (e.g. backfill v2" + " while v1 serves)")
    private String version;

    @Option(
            names = "--from",
            paramLabel = "INSTANT",
            description = "first Kafka timestamp (event time with"
                    + " --source archive) to include, e.g. 2026-11-01T00:00:00Z")
    private Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "end of the range (exclusive)")
    private Instant to;

    @Option(
            names = "--source",
            paramLabel = "kafka|archive",
            description = "kafka (default): the input topic;"
                    + " archive: the raw archive (ROOT/raw/date=...), each archived row going through this version's "
                    + "parser"
                    + " and rules. The archive holds what its writer did not quarantine, and only the fields its schema"
                    + " declared.")
    private String source = "kafka";

    @Option(names = "--archive", paramLabel = "ROOT", description = "root of the raw archive (default: offline.root)")
    private String archive;

    @Option(
            names = "--until-savepoint",
            paramLabel = "PATH",
            description = "hand over to a job started from that"
                    + " savepoint (savepoint bootstrap --until T, with --to T): only windows final at the savepoint's"
                    + " watermark are written, the ones that job will not write again, so no (wafer, window) row exists"
                    + " twice")
    private String untilSavepoint;

    @Mixin
    private ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        RawConfig raw = configOptions.raw(version);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        StreamExecutionEnvironment env = environment(config);
        if (!source.equals("kafka") && !source.equals("archive")) {
            throw new ConfigException("--source", "'" + source + "' is unknown", "use kafka or archive");
        }
        if (source.equals("kafka")) {
            Preflight.kafka(config, false);
        }
        Long fromMillis = from == null ? null : from.toEpochMilli();
        Long toMillis = to == null ? null : to.toEpochMilli();
        Source<ParsedDeviceTest, ?, ?> input = source.equals("kafka")
                ? KafkaInput.range(config, fromMillis, toMillis)
                : ArchiveInput.source(
                        config,
                        archive != null ? archive : config.offlineRoot(),
                        RawArchiveWriteSupport.avroSchema(config.schema().parameterNames()),
                        fromMillis,
                        toMillis);
        // A backfill writes only the offline store: its definition must be the one the version's rows there have.
        DefinitionCheck.verify(config, DefinitionCheck.Use.NONE, DefinitionCheck.Use.WRITE)
                .forEach(line -> System.out.println("backfill: " + line));
        FeaturesJobSinks sinks = FeaturesJobSinks.backfill(config);
        if (untilSavepoint != null) {
            String savepoint = FeaturesJobConfig.toUri(untilSavepoint);
            long watermark = SavepointInspection.watermark(savepoint);
            if (watermark == Long.MIN_VALUE) {
                throw new ConfigException(
                        "--until-savepoint",
                        "names a savepoint without a watermark",
                        "pass the savepoint written by 'waferflow savepoint bootstrap --until'");
            }
            System.out.println("backfill: writing the windows final by " + Instant.ofEpochMilli(watermark)
                    + " (the savepoint's watermark)");
            sinks = sinks.finalBy(watermark, config.window().allowedLateness().toMillis());
        }
        new FeaturesJob(config, input, sinks).build(env);
        String archiveRoot = FeaturesJobConfig.toUri(archive != null ? archive : config.offlineRoot());
        JobExecutionResult result;
        try (Lineage lineage = Lineage.open(config);
                JobConsole console = new JobConsole(config, false, System.out)) {
            LineageJob job = FeaturesLineage.backfill(config, raw.fingerprint(), source.equals("archive"), archiveRoot);
            // The range recomputed, for an auditor comparing backfills of one version.
            job = from == null ? job : job.withTag("from", from.toString());
            job = to == null ? job : job.withTag("to", to.toString());
            LineageRun run = lineage.start(job);
            result = run.around(() -> {
                JobClient client = env.executeAsync(config.jobName() + "-backfill-" + config.featureVersion());
                run.tag(LineageRun.FLINK_JOB_ID, client.getJobID().toString());
                return console.follow(client, Duration.ofSeconds(10));
            });
        }
        printSummary(config, new JobProgress(result.getAllAccumulatorResults()));
        return 0;
    }

    /** What the backfill wrote, per table: the rows its sinks counted. */
    private static void printSummary(FeaturesJobConfig c, JobProgress p) {
        String version = "version=" + c.featureVersion();
        System.out.println("backfill of " + c.featureGroup() + " " + c.featureVersion() + " written under "
                + c.offlineRoot() + ":");
        System.out.printf("  %-16s %,12d rows  %s/%s/%n", "features", p.offlineRows, c.featureGroup(), version);
        System.out.printf(
                "  %-16s %,12d rows  _quarantine/%s/%s/ (%,d records quarantined of %,d read)%n",
                "violations", p.violations, c.featureGroup(), version, p.quarantined, p.recordsIn);
        System.out.printf(
                "  %-16s %,12d rows  _quality_events/%s/%s/%n",
                "quality events", p.qualityEvents, c.featureGroup(), version);
        System.out.printf(
                "  %-16s %,12d rows  _drift/%s/%s/%n", "drift metrics", p.driftMetrics, c.featureGroup(), version);
    }

    /** The job's Flink settings, in batch execution (checkpointing does not apply). */
    public static StreamExecutionEnvironment environment(FeaturesJobConfig config) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironment.flinkConfiguration(config));
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(config.parallelism());
        return env;
    }
}
