package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.DriftConfig;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.derived.BaselineValues;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.drift.BaselineFile;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.RetainedCheckpoints;
import io.waferflow.stores.offline.InProgressFiles;
import io.waferflow.stores.offline.InProgressFiles.InProgressFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code offline orphans}: the in-progress Parquet files under {@code offline.root} that a dead attempt left behind,
 * told from the live ones by the running job's latest checkpoint ({@link InProgressFiles}); {@code --delete} removes
 * them. {@code offline derive}: the derived features of offline rows, computed by the evaluator the server uses.
 */
@CommandLine.Command(
        name = "offline",
        synopsisSubcommandLabel = "COMMAND",
        description = "offline store: in-progress Parquet files left by a dead attempt (offline orphans), derived"
                + " features of offline rows (offline derive)")
public final class OfflineCommand implements Command {

    private final PrintStream out;

    public OfflineCommand() {
        this(System.out);
    }

    public OfflineCommand(PrintStream out) {
        this.out = out;
    }

    @CommandLine.Command(
            name = "orphans",
            description = {
                "list (and delete) the in-progress files a dead attempt left under offline.root",
                "",
                "Lists the in-progress files (.part-*.inprogress.*) under offline.root and tells the orphans of a dead"
                        + " attempt (a kill -9, a lost TaskManager) from the live ones of the running job: the file "
                        + "sinks"
                        + " roll every file on each checkpoint and commit it when the checkpoint completes, so a file"
                        + " last written more than two checkpoint intervals and a minute before the job's latest"
                        + " completed checkpoint (under checkpointing.dir/<group>/<version>) will never be committed; "
                        + "its"
                        + " records were replayed into new files. Works only while the job runs and checkpoints: a"
                        + " stopped job commits the files its last checkpoint holds when it starts again, so nothing is"
                        + " called an orphan then."
            })
    int orphans(
            @Option(names = "--delete", description = "delete the orphans (live files are never touched)")
                    boolean delete,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        FeaturesJobConfig c = configOptions.load();
        String checkpoints = JobEnvironment.checkpointsOf(c);
        RetainedCheckpoints.Checkpoint latest =
                RetainedCheckpoints.latest(checkpoints).orElse(null);
        List<InProgressFile> files = InProgressFiles.under(c.offlineRootUri());
        Instant now = Instant.now();
        if (latest == null || !InProgressFiles.checkpointing(latest.completedAt(), c.checkpointInterval(), now)) {
            out.printf(
                    "%d in-progress files under %s; no orphans named: the job is not checkpointing (latest checkpoint"
                            + " under %s: %s). Start it: it commits the files its checkpoint holds, and the rest become"
                            + " orphans this command can find.%n",
                    files.size(), c.offlineRootUri(), checkpoints, latest == null ? "none" : latest.completedAt());
            return files.isEmpty() ? 0 : 1;
        }
        Instant before = InProgressFiles.orphanedBefore(latest.completedAt(), c.checkpointInterval());
        int orphans = 0;
        for (InProgressFile f : files) {
            boolean orphan = f.lastModified().isBefore(before);
            out.printf("%-6s %,12d B  %s  %s%n", orphan ? "orphan" : "live", f.bytes(), f.lastModified(), f.path());
            if (orphan) {
                orphans++;
                if (delete) {
                    InProgressFiles.delete(f);
                }
            }
        }
        out.printf(
                "%d in-progress files, %d orphans (last written before %s; the job's latest checkpoint completed %s)"
                        + "%s%n",
                files.size(), orphans, before, latest.completedAt(), orphans > 0 && delete ? ": deleted" : "");
        return 0;
    }

    @CommandLine.Command(
            name = "derive",
            description = {
                "the derived features (feature_group.derived) of offline feature rows, as CSV",
                "",
                "Reads the feature rows of a Parquet file or of every .parquet file below a directory (e.g."
                        + " <offline.root>/wafer_aggregates/version=v1) and prints one CSV line per row: wafer_id,"
                        + " window_start, window_end (ISO-8601), revision and each derived feature, computed by the"
                        + " same code the server uses on read (an empty cell is null: an input was null, or the result"
                        + " not finite). Values are printed in full (Java's shortest round-trip form), so they can be"
                        + " compared with served ones exactly. Baseline statistics come from --baseline, else from"
                        + " drift.baseline.file when drift.baseline.from is file."
            })
    int derive(
            @Option(
                            names = "--input",
                            required = true,
                            paramLabel = "PATH",
                            description = "a feature-row Parquet file, or a directory of them")
                    Path input,
            @Option(
                            names = "--derived",
                            paramLabel = "NAME",
                            split = ",",
                            description = "derived features to print (default: all, in declaration order)")
                    List<String> names,
            @Option(names = "--baseline", paramLabel = "FILE", description = "a baseline file ('waferflow baseline')")
                    Path baselineFile,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        FeaturesJobConfig c = configOptions.load();
        DerivedFeatures all = DerivedFeatures.of(c, baselineOf(c, baselineFile));
        List<String> selected = names == null || names.isEmpty() ? all.names() : names;
        Set<String> stored = new LinkedHashSet<>();
        for (String name : selected) {
            all.require("--derived", name, c.featureGroup());
            if (!all.baselineInputs(name).isEmpty() && baselineFile == null && !baselineFromFile(c)) {
                throw new ConfigException(
                        "--baseline",
                        "is needed: " + name + " reads " + String.join(", ", all.baselineInputs(name)),
                        "pass --baseline FILE (built with 'waferflow baseline'), or leave " + name + " out");
            }
            stored.addAll(all.storedInputs(name));
        }
        out.println("wafer_id,window_start,window_end,revision," + String.join(",", selected));
        int[] rows = {0};
        OfflineFeatureRows.read(input, stored, row -> {
            StringBuilder line = new StringBuilder(csv(row.waferId()))
                    .append(',')
                    .append(Instant.ofEpochMilli(row.windowStart()))
                    .append(',')
                    .append(Instant.ofEpochMilli(row.windowEnd()))
                    .append(',')
                    .append(row.revision());
            for (String name : selected) {
                Double v = all.evaluate(name, row.features()::get);
                line.append(',').append(v == null ? "" : v.toString());
            }
            out.println(line);
            rows[0]++;
        });
        return rows[0] > 0 ? 0 : 1;
    }

    static boolean baselineFromFile(FeaturesJobConfig c) {
        return c.drift().baselineFrom() == DriftConfig.BaselineFrom.FILE
                && !c.drift().baselineFile().isEmpty();
    }

    /** The baseline statistics derived features read: from --baseline, else the job's baseline file, else none. */
    static Map<String, Double> baselineOf(FeaturesJobConfig c, Path file) throws IOException {
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("--baseline", "no such file: " + file, "build one with 'waferflow baseline'");
            }
            try {
                return BaselineValues.of(BaselineFile.read(file).features);
            } catch (IOException e) {
                throw new ConfigException("--baseline", e.getMessage(), "build one with 'waferflow baseline'");
            }
        }
        if (baselineFromFile(c)) {
            return BaselineValues.of(
                    BaselineFile.forConfig(c.drift(), c.schema().parameterNames()).features);
        }
        return Map.of();
    }

    /** A wafer id as a CSV cell: quoted when it holds a comma, a quote or a line break. */
    private static String csv(String value) {
        return value.matches("[^,\"\r\n]*") ? value : "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
