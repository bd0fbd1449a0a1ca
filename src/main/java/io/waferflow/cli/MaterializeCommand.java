package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.stores.materialize.MaterializeReport;
import io.waferflow.stores.materialize.OnlineMaterializer;
import io.waferflow.stores.online.ServingVersions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code materialize}: each entity's newest final offline row of a group and version, written to Redis where it is
 * newer than what Redis holds ({@link OnlineMaterializer}), with a report of what it did.
 */
@CommandLine.Command(
        name = "materialize",
        description = {
            "write each wafer's newest offline feature row to Redis, where it is newer than what Redis holds",
            "",
            "Reads the committed Parquet feature rows of the group and version (offline.root/<group>/version=V/),"
                    + " takes each wafer's newest window (then its highest revision) and writes it to the online store"
                    + " exactly as the features job writes rows: the same key, fields, metadata and TTL (redis.ttl,"
                    + " counted from this write), job_version of the job that computed it, updated_at the time of this"
                    + " write. A wafer whose Redis row is of the same window, or of a newer one, is kept; the write"
                    + " itself refuses to replace a newer row, so it is safe while the job runs. Running it again"
                    + " writes nothing new.",
            "Use it after Redis lost its data (a restart without persistence leaves the online store empty until each"
                    + " wafer's next window) and to put a backfilled version online before switching to it. Rows"
                    + " not final yet (windows still open or within allowed lateness) are not in the offline store:"
                    + " the job writes those when they fire."
        })
public final class MaterializeCommand implements Command, Callable<Integer> {

    @Option(names = "--group", required = true, paramLabel = "G", description = "feature group, e.g. wafer_aggregates")
    private String group;

    @Option(
            names = "--version",
            required = true,
            paramLabel = "V",
            description = "feature version, e.g. v1 (its rows in Redis are <key_prefix>:G:V:<wafer>)")
    private String version;

    @Option(
            names = "--since",
            paramLabel = "INSTANT",
            description = "only rows whose window ended at or after this instant, e.g. 2026-11-27T00:00:00Z (a"
                    + " wafer whose newest row ended before is skipped)")
    private Instant since;

    @Mixin
    private ConfigOptions configOptions;

    private final PrintStream out;

    public MaterializeCommand() {
        this(System.out);
    }

    public MaterializeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        List<String> overrides = new ArrayList<>(configOptions.overrides());
        overrides.add("feature_group.name=" + group);
        overrides.add("feature_group.version=" + version);
        FeaturesJobConfig config = FeaturesJobConfig.load(configOptions.file(), overrides);
        Preflight.redis(config);
        // Compared first, stored after: a refused run (another schema, no rows) leaves Redis untouched.
        DefinitionCheck.verify(config, DefinitionCheck.Use.READ, DefinitionCheck.Use.READ);
        OnlineMaterializer materializer = new OnlineMaterializer(config);
        out.printf(
                "materialize %s %s: %s -> Redis %s%n", group, version, materializer.source(), config.redisConnection());
        print(materializer.run(since));
        DefinitionCheck.verify(config, DefinitionCheck.Use.WRITE, DefinitionCheck.Use.NONE)
                .forEach(line -> out.println("  " + line));
        servingHint(config);
        return 0;
    }

    /** A Redis that lost its data lost the serving pointer too, which only the first job start or a switch sets. */
    private void servingHint(FeaturesJobConfig config) {
        // open: in a cluster, the master of the pointer's slot (a seed node would answer MOVED).
        try (ServingVersions versions =
                ServingVersions.open(config.redisConnection(), config.redisKeyPrefix(), group)) {
            if (versions.current(group).isEmpty()) {
                out.printf(
                        "note: Redis names no version of %s to serve (%s is gone); readers need one:"
                                + " bin/waferflow version switch %s --group %s%n",
                        group, ServingVersions.key(config.redisKeyPrefix(), group), version, group);
            }
        }
    }

    private void print(MaterializeReport r) {
        out.printf("  %-18s %,10d  in %,d committed files%n", "rows read", r.rowsRead(), r.files());
        out.printf("  %-18s %,10d  wafers%n", "entities", r.entities());
        out.printf("  %-18s %,10d  newer than what Redis held, or Redis held none%n", "written", r.written());
        out.printf(
                "  %-18s %,10d  Redis holds the same window (%,d) or a newer one (%,d)%n",
                "kept", r.kept(), r.current(), r.keptNewer());
        out.printf(
                "  %-18s %,10d  %s%n",
                "skipped by --since",
                r.skippedSince(),
                since == null ? "(no --since)" : "newest row ended before " + since);
        out.printf("  %-18s %10.1f  s%n", "took", r.took().toMillis() / 1000.0);
    }
}
