package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.RetainedCheckpoints;
import io.waferflow.stores.offline.InProgressFiles;
import io.waferflow.stores.offline.InProgressFiles.InProgressFile;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code offline orphans}: the in-progress Parquet files under {@code offline.root} that a dead attempt left behind,
 * told from the live ones by the running job's latest checkpoint ({@link InProgressFiles}); {@code --delete} removes
 * them.
 */
@CommandLine.Command(
        name = "offline",
        synopsisSubcommandLabel = "COMMAND",
        description = "offline store housekeeping: in-progress Parquet files left by a dead attempt (offline orphans)")
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
}
