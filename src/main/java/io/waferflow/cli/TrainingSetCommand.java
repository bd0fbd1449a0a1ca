package io.waferflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.jobs.TrainingSetPlan;
import io.waferflow.lineage.Lineage;
import io.waferflow.lineage.TrainingSetLineage;
import io.waferflow.training.AsOf;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code training-set}: labels joined point-in-time with the offline store, as a Flink batch job. */
@CommandLine.Command(
        name = "training-set",
        description = {
            "join labels with offline feature rows point-in-time (a Flink batch job), writing Parquet",
            "",
            "Each label row (entity, label time, any other columns) gets, per GROUP:VERSION, the latest feature row of"
                    + " its entity whose window ended strictly before the label time (a window ending at the label"
                    + " time is the future), and no more than --max-age before it; with --as-of available, also"
                    + " written to the offline store no later than the label time. Columns: the label's, then per"
                    + " input GROUP__VERSION__status (ok, no_row, too_old, not_available_yet),"
                    + " GROUP__VERSION__window_end and GROUP__VERSION__FEATURE, then the derived features.",
            "Writes part-*.parquet and _training_set.json (rows and statuses) under --out. See docs/training-sets.md."
        })
public final class TrainingSetCommand implements Command, Callable<Integer> {

    static final String SUMMARY_FILE = "_training_set.json";

    @Option(
            names = "--labels",
            required = true,
            paramLabel = "FILE",
            description = "labels: .csv (header row), .jsonl (JSON lines) or .parquet, or a directory of such files")
    private String labels;

    @Option(
            names = "--features",
            required = true,
            split = ",",
            paramLabel = "GROUP:VERSION:FEATURE",
            description = "feature columns to join, e.g. wafer_aggregates:v1:yield_pct,wafer_aggregates:v1:vdd_mean")
    private List<String> features;

    @Option(
            names = "--derived",
            split = ",",
            paramLabel = "NAME",
            description = "derived features (feature_group.derived) of the configured group and version, computed"
                    + " from its joined row by the code serve uses")
    private List<String> derived = List.of();

    @Option(
            names = "--max-age",
            paramLabel = "DURATION",
            description = "the oldest window end a label may use, before its time (e.g. 1 d, 12 h; default: no limit)")
    private String maxAge;

    @Option(
            names = "--as-of",
            paramLabel = "window_end|available",
            description = "window_end (default): rows whose window ended before the label time; available: and"
                    + " written to the offline store by then, so later backfills never leak into earlier labels")
    private String asOf = "window_end";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (must not exist)")
    private String out;

    @Option(names = "--entity-column", paramLabel = "NAME", description = "entity id column of the labels")
    private String entityColumn = "wafer_id";

    @Option(names = "--time-column", paramLabel = "NAME", description = "label time column (epoch ms or ISO-8601)")
    private String timeColumn = "label_time";

    @Option(
            names = "--baseline",
            paramLabel = "FILE",
            description = "baseline file for derived features that read baseline statistics (default:"
                    + " drift.baseline.file when drift.baseline.from is file)")
    private java.nio.file.Path baseline;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "the model this training set is for: its lineage run is tagged with it, so"
                    + " 'waferflow lineage report --model NAME' finds it")
    private String model;

    @Mixin
    private ConfigOptions configOptions;

    private final PrintStream console;

    public TrainingSetCommand() {
        this(System.out);
    }

    public TrainingSetCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        RawConfig raw = configOptions.raw();
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        AsOf mode;
        try {
            mode = AsOf.of(asOf);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--as-of", e.getMessage(), "use window_end or available");
        }
        Duration age = maxAge == null ? null : RawConfig.parseDuration("--max-age", maxAge);
        Path outDir = new Path(FeaturesJobConfig.toUri(out));
        if (outDir.getFileSystem().exists(outDir)) {
            throw new ConfigException("--out", outDir + " exists", "name a new directory (runs never mix rows)");
        }
        TrainingSetPlan plan = new TrainingSetPlan(
                config,
                labels,
                entityColumn,
                timeColumn,
                features,
                derived,
                OfflineCommand.baselineOf(config, baseline),
                age,
                mode,
                out);
        StreamExecutionEnvironment env = BackfillCommand.environment(config);
        plan.job().build(env);
        console.printf(
                "training-set: %s -> %s (as of %s%s)%n",
                String.join(" + ", plan.inputPaths()),
                plan.outputPath(),
                mode.spelling(),
                age == null ? "" : ", max age " + age);
        long started = System.nanoTime();
        JobExecutionResult result = Lineage.track(
                config,
                TrainingSetLineage.of(config, raw.fingerprint(), plan, model),
                () -> env.execute(config.jobName() + "-training-set"));
        double seconds = (System.nanoTime() - started) / 1e9;
        TrainingSetPlan.Summary summary = plan.summary(result.getAllAccumulatorResults());
        print(summary, seconds);
        writeSummary(plan, summary, mode, age, seconds);
        return 0;
    }

    private void print(TrainingSetPlan.Summary s, double seconds) {
        console.printf("  %-24s %,12d  in %.1f s (%,.0f rows/s)%n", "rows", s.rows(), seconds, s.rows() / seconds);
        s.statuses().forEach((input, counts) -> {
            StringBuilder line = new StringBuilder();
            counts.forEach((status, n) -> line.append(String.format("  %s %,d", status, n)));
            console.printf("  %-24s%s%n", input, line);
        });
    }

    private void writeSummary(TrainingSetPlan plan, TrainingSetPlan.Summary s, AsOf mode, Duration age, double seconds)
            throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", s.rows());
        json.put("statuses", s.statuses());
        json.put("as_of", mode.spelling());
        json.put("max_age_ms", age == null ? null : age.toMillis());
        json.put("inputs", plan.inputPaths());
        json.put("seconds", seconds);
        Path file = new Path(plan.outputPath(), SUMMARY_FILE);
        try (OutputStream o = file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            o.write(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json)
                    .getBytes(StandardCharsets.UTF_8));
        }
        console.printf("  summary: %s%n", file);
    }
}
