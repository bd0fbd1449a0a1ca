package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.BaselineFile;
import io.waferflow.savepoints.BaselineBootstrap;
import io.waferflow.savepoints.DriftStateMigration;
import io.waferflow.savepoints.HistoryBootstrap;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.savepoints.StateRows;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code savepoint inspect PATH}: what a savepoint or retained checkpoint of the features job holds, read with the
 * State Processor API on the job's operator uids; {@code bootstrap} and {@code migrate} write savepoints.
 */
public final class SavepointCommand implements Command {

    private final PrintStream out;

    public SavepointCommand() {
        this(System.out);
    }

    SavepointCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "savepoint";
    }

    @Override
    public String summary() {
        return "inspect, bootstrap (drift baselines) or migrate (drift state) a savepoint of the features job";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: waferflow savepoint inspect PATH [--config jobs/features.yaml] [--set key=value ...]",
                "       waferflow savepoint bootstrap --until INSTANT --out DIR [--version V] [--timeout 2 h]",
                "       waferflow savepoint bootstrap --baseline FILE --out DIR",
                "       waferflow savepoint migrate PATH --out DIR [--rename old=new,...] [--sketch-k K]",
                "                              [--config FILE] [--set key=value ...]   (the job's configuration)",
                "",
                "Reads a savepoint (or a retained checkpoint, chk-N) of the features job with the State Processor API",
                "and prints: the pipeline counters (records in, valid, quarantined, ...), each parameter's drift",
                "baseline (source, n, mean, std, p5/p50/p95) and open drift windows, the wafers in flight (dies",
                "known, windows waiting to be final), the open wafer windows with their device counts, and the alert",
                "keys with state (firing or not). The configuration must be the one the job ran with (it names the",
                "parameters and the sketch size). Runs a few small batch jobs on a local MiniCluster.",
                "",
                "bootstrap --until writes the state a features job of this configuration (and --version) would hold",
                "had it processed the input topic up to Kafka timestamp INSTANT: de-duplication keys, wafer windows in",
                "flight, die maps, drift baselines and windows, alert episodes, counters, watermark. The job's own",
                "graph computes it (streaming, no sinks) on a local MiniCluster; the source's offsets are then removed",
                "with the State Processor API, so start the job from it with kafka.starting_offsets=INSTANT.",
                "",
                "bootstrap --baseline writes a savepoint whose drift detector already holds complete baselines, one per feature",
                "of a baseline file (from 'waferflow baseline'): a job started from it judges its first drift window",
                "against them and keeps them as state. Every other operator starts empty.",
                "",
                "migrate copies a savepoint, transforming the drift detector's state for a breaking change: features",
                "renamed (their baselines and open drift windows move to the new name) and/or every sketch re-made",
                "with a new size k. All other state is copied unchanged. Pass the configuration the job ran with:",
                "open drift windows get their judging timers back at end - 1 + its allowed_lateness.",
                "DIR and PATH may be local paths or file system URIs (s3://..., hdfs://...).");
    }

    @Override
    public int run(String[] argv) throws Exception {
        if (argv.length >= 1 && argv[0].equals("bootstrap")) {
            return bootstrap(Arrays.copyOfRange(argv, 1, argv.length));
        }
        if (argv.length >= 2 && argv[0].equals("migrate")) {
            return migrate(argv[1], Arrays.copyOfRange(argv, 2, argv.length));
        }
        if (argv.length < 2 || !argv[0].equals("inspect")) {
            throw new ConfigException(argv.length == 0 ? "savepoint" : argv[0], "is not a savepoint subcommand",
                    "use: waferflow savepoint inspect PATH, or waferflow savepoint bootstrap --baseline FILE --out DIR");
        }
        String path = argv[1];
        String uri = FeaturesJobConfig.toUri(path);
        if (uri.startsWith("file:") && !Files.exists(Path.of(java.net.URI.create(uri)).resolve("_metadata"))) {
            throw new ConfigException(path, "is not a savepoint or checkpoint directory (no _metadata in it)",
                    "pass the directory the job wrote, e.g. savepoints/savepoint-1a2b3c-0123456789ab");
        }
        Args args = Args.parse(Arrays.copyOfRange(argv, 2, argv.length), Set.of("config"), Set.of());
        FeaturesJobConfig config = FeaturesJobConfig.load(Path.of(args.get("config", "jobs/features.yaml")),
                args.overrides());
        print(SavepointInspection.read(uri, config), path);
        return 0;
    }

    /**
     * {@code bootstrap --until T --out DIR}: every operator's state as of T, computed by the job's graph over the
     * topic's history; {@code bootstrap --baseline FILE --out DIR}: only the drift detector's, with these baselines.
     */
    private int bootstrap(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("baseline", "out", "until", "config", "version", "timeout"), Set.of());
        String dir = args.get("out").orElseThrow(() -> new ConfigException("--out", "is missing",
                "pass the directory to write the savepoint to, e.g. savepoints/bootstrap-v2"));
        String target = FeaturesJobConfig.toUri(dir);
        Long until = args.instant("until");
        if (until != null) {
            if (args.get("baseline").isPresent()) {
                throw new ConfigException("--baseline", "cannot be combined with --until",
                        "with --until the baselines come from history as the configured drift.baseline says");
            }
            java.util.List<String> overrides = new java.util.ArrayList<>(args.overrides());
            args.get("version").ifPresent(v -> overrides.add("feature_group.version=" + v));
            FeaturesJobConfig config = FeaturesJobConfig.load(Path.of(args.get("config", "jobs/features.yaml")),
                    overrides);
            java.time.Duration timeout = io.waferflow.config.RawConfig.parseDuration("--timeout",
                    args.get("timeout", "2 h"));
            HistoryBootstrap.Result r = HistoryBootstrap.write(config, Instant.ofEpochMilli(until), target, timeout);
            out.println("savepoint of " + config.featureGroup() + " " + config.featureVersion() + " as of "
                    + Instant.ofEpochMilli(until) + " (" + r.records + " input records) written to " + target);
            out.println("start the job from it, reading from the same instant:");
            out.println("  flink run -s " + target + " ... features --set kafka.starting_offsets="
                    + Instant.ofEpochMilli(until) + (args.get("version").map(v -> " --set feature_group.version=" + v)
                    .orElse("")));
            return 0;
        }
        String file = args.get("baseline").orElseThrow(() -> new ConfigException("--baseline or --until",
                "is missing", "pass --until INSTANT (state from history) or --baseline FILE (a file built by "
                        + "'waferflow baseline --input <history> --out FILE')"));
        Path baseline = Path.of(file);
        BaselineFile baselines = BaselineFile.read(baseline);
        BaselineBootstrap.write(baselines, "bootstrap:" + baseline.getFileName(), target);
        out.println("savepoint with drift baselines for " + new java.util.TreeSet<>(baselines.features.keySet())
                + " written to " + target);
        out.println("start the job from it: flink run -s " + target + " ... (or execution.savepoint.path)");
        return 0;
    }

    /** {@code migrate FROM --out TO [--rename old=new,...] [--sketch-k K]}: the drift state for a breaking change. */
    private int migrate(String from, String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("out", "rename", "sketch-k", "config"), Set.of());
        String to = args.get("out").orElseThrow(() -> new ConfigException("--out", "is missing",
                "pass the directory to write the migrated savepoint to"));
        java.util.Map<String, String> renames = new java.util.LinkedHashMap<>();
        for (String pair : args.get("rename", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigException("--rename", "'" + pair + "' is not old=new", "write e.g. temperature=temp_c");
            }
            renames.put(kv[0].trim(), kv[1].trim());
        }
        int k = args.integer("sketch-k", 0);
        FeaturesJobConfig config = FeaturesJobConfig.load(Path.of(args.get("config", "jobs/features.yaml")),
                args.overrides());
        String target = FeaturesJobConfig.toUri(to);
        DriftStateMigration.migrate(FeaturesJobConfig.toUri(from), target, renames, k,
                config.window().allowedLateness().toMillis());
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
            out.printf(Locale.ROOT, "  %-14s %-9s n %,d  mean %.6g  std %.4g  p5 %.6g  p50 %.6g  p95 %.6g  (%s)  "
                            + "open drift windows %d with %,d values%n", b.feature,
                    b.n == 0 ? "none yet" : b.complete ? "complete" : "forming", b.n, b.mean, b.std, b.p05, b.p50,
                    b.p95, b.id, b.openDriftWindows, b.openDriftValues);
        }
        out.println();
        out.println("wafers in flight (" + s.wafers.size() + ")");
        for (StateRows.Wafer w : s.wafers) {
            out.printf(Locale.ROOT, "  %-16s dies known %d, windows not yet final %d, newest online window end %s%n",
                    w.waferId, w.diesKnown, w.pendingWindows, time(w.newestOnlineWindowEnd));
        }
        out.println();
        out.println("open wafer windows (" + s.windows.size() + ")");
        for (StateRows.Window w : s.windows) {
            out.printf(Locale.ROOT, "  %-16s [%s, %s)  %d devices%n", w.waferId, time(w.windowStart),
                    time(w.windowEnd), w.devices);
        }
        out.println();
        out.println("alert keys with state (" + s.alerts.size() + ")");
        for (StateRows.AlertState a : s.alerts) {
            out.printf(Locale.ROOT, "  %-40s %s%n", a.key, a.firing
                    ? "FIRING since " + time(a.firstSeen) + ", " + a.occurrences + " windows"
                    : "not firing, " + a.recentActiveWindows + " recent windows held");
        }
    }

    private static String time(long millis) {
        return millis < 0 ? "-" : Instant.ofEpochMilli(millis).toString();
    }
}
