package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.ArchiveInput;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.ingest.ParsedDeviceTest;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.metrics.JobProgress;
import org.apache.flink.api.common.JobExecutionResult;
import io.waferflow.savepoints.SavepointInspection;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code backfill}: the features job's own graph, in bounded (batch) execution, over a time range of the input topic,
 * writing the offline store (and quarantine, quality events, drift metrics) under a feature version. No second
 * implementation of any feature: only the source is bounded and the sinks are the offline ones.
 */
public final class BackfillCommand implements Command {

    @Override
    public String name() {
        return "backfill";
    }

    @Override
    public String summary() {
        return "recompute the offline store for a feature version over history (same graph, batch mode)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: waferflow backfill [--version V] [--from INSTANT] [--to INSTANT]",
                "                          [--source kafka|archive] [--archive ROOT] [--until-savepoint PATH]",
                "                          [--config jobs/features.yaml] [--set key=value ...]",
                "",
                "Runs the features job graph in BATCH execution over the input topic's records with Kafka timestamps",
                "in [--from, --to) (default: all of it), and writes Parquet under offline.root:",
                "<group>/version=V/..., _quarantine/, _quality_events/, _drift/. Nothing is written online.",
                "--version overrides feature_group.version (e.g. backfill v2 while v1 serves).",
                "--source archive reads the raw archive (ROOT/raw/date=..., default ROOT: offline.root) instead, with",
                "[--from, --to) on event time; each archived row goes through this version's parser and rules. The",
                "archive holds what its writer did not quarantine, and only the fields its schema declared.",
                "--until-savepoint hands over to a job started from that savepoint (savepoint bootstrap --until T,",
                "with --to T): only windows final at the savepoint's watermark are written, the ones that job will",
                "not write again, so no (wafer, window) row exists twice.",
                "In batch execution every record is on time (the watermark is perfect): records a live run",
                "quarantined as too late are aggregated here.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("config", "version", "from", "to", "source", "archive", "until-savepoint"), Set.of());
        List<String> overrides = new ArrayList<>(args.overrides());
        args.get("version").ifPresent(v -> overrides.add("feature_group.version=" + v));
        FeaturesJobConfig config = FeaturesJobConfig.load(Path.of(args.get("config", "jobs/features.yaml")),
                overrides);
        StreamExecutionEnvironment env = environment(config);
        String from = args.get("source", "kafka");
        if (!from.equals("kafka") && !from.equals("archive")) {
            throw new ConfigException("--source", "'" + from + "' is unknown", "use kafka or archive");
        }
        if (from.equals("kafka")) {
            Preflight.kafka(config, false);
        }
        Source<ParsedDeviceTest, ?, ?> source = from.equals("kafka")
                ? KafkaInput.range(config, args.instant("from"), args.instant("to"))
                : ArchiveInput.source(config, args.get("archive", config.offlineRoot()), args.instant("from"),
                        args.instant("to"));
        FeaturesJobSinks sinks = FeaturesJobSinks.backfill(config);
        if (args.get("until-savepoint").isPresent()) {
            String savepoint = FeaturesJobConfig.toUri(args.get("until-savepoint").get());
            long watermark = SavepointInspection.watermark(savepoint);
            if (watermark == Long.MIN_VALUE) {
                throw new ConfigException("--until-savepoint", "names a savepoint without a watermark",
                        "pass the savepoint written by 'waferflow savepoint bootstrap --until'");
            }
            System.out.println("backfill: writing the windows final by " + Instant.ofEpochMilli(watermark)
                    + " (the savepoint's watermark)");
            sinks = sinks.finalBy(watermark, config.window().allowedLateness().toMillis());
        }
        new FeaturesJob(config, source, sinks).build(env);
        JobExecutionResult result;
        try (JobConsole console = new JobConsole(config, false, System.out)) {
            result = console.follow(env.executeAsync(config.jobName() + "-backfill-" + config.featureVersion()),
                    Duration.ofSeconds(10));
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
        System.out.printf("  %-16s %,12d rows  _quarantine/%s/%s/ (%,d records quarantined of %,d read)%n",
                "violations", p.violations, c.featureGroup(), version, p.quarantined, p.recordsIn);
        System.out.printf("  %-16s %,12d rows  _quality_events/%s/%s/%n", "quality events", p.qualityEvents,
                c.featureGroup(), version);
        System.out.printf("  %-16s %,12d rows  _drift/%s/%s/%n", "drift metrics", p.driftMetrics, c.featureGroup(),
                version);
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
