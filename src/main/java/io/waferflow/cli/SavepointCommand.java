package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.drift.BaselineFile;
import io.waferflow.lineage.Lineage;
import io.waferflow.lineage.SavepointLineage;
import io.waferflow.savepoints.BaselineBootstrap;
import io.waferflow.savepoints.DriftStateMigration;
import io.waferflow.savepoints.HistoryBootstrap;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.savepoints.StateRows;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code savepoint inspect PATH}: what a savepoint or retained checkpoint of the features job holds, read with the
 * State Processor API on the job's operator uids; {@code bootstrap} and {@code migrate} write savepoints.
 */
@CommandLine.Command(
        name = "savepoint",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "inspect, bootstrap (drift baselines) or migrate (drift state) a savepoint of the features job",
            "",
            "PATH and DIR may be local paths or file system URIs (s3://..., hdfs://...)."
        })
public final class SavepointCommand implements Command {

    private final PrintStream out;

    public SavepointCommand() {
        this(System.out);
    }

    SavepointCommand(PrintStream out) {
        this.out = out;
    }

    @CommandLine.Command(
            name = "inspect",
            description = {
                "print what a savepoint or retained checkpoint of the features job holds",
                "",
                "Reads a savepoint (or a retained checkpoint, chk-N) of the features job with the State Processor API"
                        + " and prints: the pipeline counters (records in, valid, quarantined, ...), each parameter's"
                        + " drift baseline (source, n, mean, std, p5/p50/p95) and open drift windows, the wafers in"
                        + " flight (dies known, windows waiting to be final), the open wafer windows with their device"
                        + " counts, and the alert keys with state (firing or not). The configuration must be the one "
                        + "the"
                        + " job ran with (it names the parameters and the sketch size). Runs a few small batch jobs "
                        + "on a"
                        + " local MiniCluster."
            })
    int inspect(
            @Parameters(paramLabel = "PATH", description = "the savepoint or checkpoint directory") String path,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        String uri = FeaturesJobConfig.toUri(path);
        if (uri.startsWith("file:")
                && !Files.exists(Path.of(java.net.URI.create(uri)).resolve("_metadata"))) {
            throw new ConfigException(
                    path,
                    "is not a savepoint or checkpoint directory (no _metadata in it)",
                    "pass the directory the job wrote, e.g. savepoints/savepoint-1a2b3c-0123456789ab");
        }
        print(SavepointInspection.read(uri, configOptions.load()), path);
        return 0;
    }

    /** The options of {@code bootstrap}: two ways to make a savepoint, from history or from a baseline file. */
    static final class BootstrapOptions {

        @Option(
                names = "--out",
                paramLabel = "DIR",
                required = true,
                description = "the directory to write the savepoint to, e.g. savepoints/bootstrap-v2")
        String out;

        @Option(
                names = "--until",
                paramLabel = "INSTANT",
                description = "state as of this Kafka timestamp," + " computed from the input topic's history")
        Instant until;

        @Option(
                names = "--version",
                paramLabel = "V",
                description = "with --until: the feature_group.version" + " the savepoint is for")
        String version;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "2 h",
                description = "with --until: how long the history may take to process (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Option(
                names = "--baseline",
                paramLabel = "FILE",
                description = "drift baselines only, from a baseline" + " file built by 'waferflow baseline'")
        Path baseline;

        @Mixin
        ConfigOptions configOptions;
    }

    /**
     * {@code bootstrap --until T --out DIR}: every operator's state as of T, computed by the job's graph over the
     * topic's history; {@code bootstrap --baseline FILE --out DIR}: only the drift detector's, with these baselines.
     */
    @CommandLine.Command(
            name = "bootstrap",
            description = {
                "write a savepoint to start the features job from: its state as of an instant, or drift baselines",
                "",
                "--until writes the state a features job of this configuration (and --version) would hold had it"
                        + " processed the input topic up to Kafka timestamp INSTANT: de-duplication keys, wafer windows"
                        + " in flight, die maps, drift baselines and windows, alert episodes, counters, watermark. The"
                        + " job's own graph computes it (streaming, no sinks) on a local MiniCluster; the source's "
                        + "offsets"
                        + " are then removed with the State Processor API, so start the job from it with"
                        + " kafka.starting_offsets=INSTANT.",
                "",
                "--baseline writes a savepoint whose drift detector already holds complete baselines, one per feature "
                        + "of"
                        + " a baseline file (from 'waferflow baseline'): a job started from it judges its first drift"
                        + " window against them and keeps them as state. Every other operator starts empty."
            })
    int bootstrap(@Mixin BootstrapOptions o) throws Exception {
        String target = FeaturesJobConfig.toUri(o.out);
        if (o.until != null) {
            Instant until = o.until.truncatedTo(ChronoUnit.MILLIS);
            if (o.baseline != null) {
                throw new ConfigException(
                        "--baseline",
                        "cannot be combined with --until",
                        "with --until the baselines come from history as the configured drift.baseline says");
            }
            RawConfig raw = o.configOptions.raw(o.version);
            FeaturesJobConfig config = FeaturesJobConfig.from(raw);
            HistoryBootstrap.Result r = Lineage.track(
                    config,
                    SavepointLineage.fromHistory(config, raw.fingerprint(), target),
                    () -> HistoryBootstrap.write(config, until, target, o.timeout));
            out.println("savepoint of " + config.featureGroup() + " " + config.featureVersion() + " as of " + until
                    + " (" + r.records + " input records) written to " + target);
            out.println("start the job from it, reading from the same instant:");
            out.println("  flink run -s " + target + " ... features --set kafka.starting_offsets=" + until
                    + (o.version == null ? "" : " --set feature_group.version=" + o.version));
            return 0;
        }
        if (o.baseline == null) {
            throw new ConfigException(
                    "--baseline or --until",
                    "is missing",
                    "pass --until INSTANT (state from"
                            + " history) or --baseline FILE (a file built by 'waferflow baseline --input <history> "
                            + "--out"
                            + " FILE')");
        }
        BaselineFile baselines = BaselineFile.read(o.baseline);
        RawConfig raw = o.configOptions.raw(null);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        Lineage.track(
                config,
                SavepointLineage.fromBaseline(
                        config, raw.fingerprint(), FeaturesJobConfig.toUri(o.baseline.toString()), target),
                () -> {
                    BaselineBootstrap.write(baselines, "bootstrap:" + o.baseline.getFileName(), target);
                    return null;
                });
        out.println("savepoint with drift baselines for " + new java.util.TreeSet<>(baselines.features.keySet())
                + " written to " + target);
        out.println("start the job from it: flink run -s " + target + " ... (or execution.savepoint.path)");
        return 0;
    }

    /** {@code migrate FROM --out TO [--rename old=new,...] [--sketch-k K]}: the drift state for a breaking change. */
    @CommandLine.Command(
            name = "migrate",
            description = {
                "copy a savepoint, transforming the drift detector's state for a breaking change",
                "",
                "Features renamed (their baselines and open drift windows move to the new name) and/or every sketch"
                        + " re-made with a new size k. All other state is copied unchanged. Pass the configuration the"
                        + " job ran with: open drift windows get their judging timers back at end - 1 + its"
                        + " allowed_lateness."
            })
    int migrate(
            @Parameters(paramLabel = "PATH", description = "the savepoint to migrate") String from,
            @Option(
                            names = "--out",
                            paramLabel = "DIR",
                            required = true,
                            description = "the directory to write the migrated savepoint to")
                    String to,
            @Option(
                            names = "--rename",
                            paramLabel = "OLD=NEW",
                            split = ",",
                            description = "features renamed, e.g. temperature=temp_c (comma-separated or repeated)")
                    List<String> renameList,
            @Option(
                            names = "--sketch-k",
                            paramLabel = "K",
                            description = "re-make every sketch with this KLL" + " parameter (default: keep them)")
                    int k,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String pair : renameList == null ? List.<String>of() : renameList) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigException("--rename", "'" + pair + "' is not old=new", "write e.g. temperature=temp_c");
            }
            renames.put(kv[0].trim(), kv[1].trim());
        }
        RawConfig raw = configOptions.raw();
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        String target = FeaturesJobConfig.toUri(to);
        Lineage.track(
                config,
                SavepointLineage.migrate(config, raw.fingerprint(), FeaturesJobConfig.toUri(from), target),
                () -> {
                    DriftStateMigration.migrate(
                            FeaturesJobConfig.toUri(from),
                            target,
                            renames,
                            k,
                            config.window().allowedLateness().toMillis());
                    return null;
                });
        out.println("migrated drift state" + (renames.isEmpty() ? "" : ", renamed " + renames)
                + (k > 0 ? ", sketches re-made with k = " + k : "") + ": " + target);
        return 0;
    }

    void print(SavepointInspection s, String path) {
        out.println("savepoint " + path);
        out.println();
        out.println("counters");
        for (Map.Entry<String, Long> c : s.counters.entrySet()) {
            out.printf(Locale.ROOT, "  %-34s %,d%n", c.getKey(), c.getValue());
        }
        out.println();
        out.println("drift baselines (" + s.baselines.size() + " parameters)");
        for (StateRows.Baseline b : s.baselines) {
            out.printf(
                    Locale.ROOT,
                    "  %-14s %-9s n %,d  mean %.6g  std %.4g  p5 %.6g  p50 %.6g  p95 %.6g  (%s)  "
                            + "open drift windows %d with %,d values%n",
                    b.feature,
                    b.n == 0 ? "none yet" : b.complete ? "complete" : "forming",
                    b.n,
                    b.mean,
                    b.std,
                    b.p05,
                    b.p50,
                    b.p95,
                    b.id,
                    b.openDriftWindows,
                    b.openDriftValues);
        }
        out.println();
        out.println("wafers in flight (" + s.wafers.size() + ")");
        for (StateRows.Wafer w : s.wafers) {
            out.printf(
                    Locale.ROOT,
                    "  %-16s dies known %d, windows not yet final %d, newest online window end %s%n",
                    w.waferId,
                    w.diesKnown,
                    w.pendingWindows,
                    time(w.newestOnlineWindowEnd));
        }
        out.println();
        out.println("open wafer windows (" + s.windows.size() + ")");
        for (StateRows.Window w : s.windows) {
            out.printf(
                    Locale.ROOT,
                    "  %-16s [%s, %s)  %d devices%n",
                    w.waferId,
                    time(w.windowStart),
                    time(w.windowEnd),
                    w.devices);
        }
        out.println();
        out.println("alert keys with state (" + s.alerts.size() + ")");
        for (StateRows.AlertState a : s.alerts) {
            out.printf(
                    Locale.ROOT,
                    "  %-40s %s%n",
                    a.key,
                    a.firing
                            ? "FIRING since " + time(a.firstSeen) + ", " + a.occurrences + " windows"
                            : "not firing, " + a.recentActiveWindows + " recent windows held");
        }
    }

    private static String time(long millis) {
        return millis < 0 ? "-" : Instant.ofEpochMilli(millis).toString();
    }
}
