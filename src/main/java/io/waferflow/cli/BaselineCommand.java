package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.StepCdf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code baseline}: builds a drift baseline file from history: per numeric feature, the exact moments and the KLL
 * sketch of its values ({@link Distribution}), written as a {@link BaselineFile} that {@code drift} and the streaming
 * detector read.
 */
@CommandLine.Command(
        name = "baseline",
        description = {
            "build a drift baseline file (moments + KLL sketch per feature) from history",
            "",
            "Reads history and writes a baseline file: per numeric feature its count, mean, variance, min, max and a "
                    + "KLL"
                    + " quantile sketch (a few KB however many values). Prints n, mean, std and the exact 5th/50th/95th"
                    + " percentiles of each feature."
        })
public final class BaselineCommand extends ReportCommand {

    @Option(
            names = "--input",
            paramLabel = "PATH",
            required = true,
            description = ".jsonl/.json (JSON lines), .csv"
                    + " (header row), .parquet, or a directory: every *.parquet below it, e.g. the raw archive"
                    + " <offline.root>/raw")
    private Path input;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            required = true,
            description = "the baseline file to write (JSON; overwritten if it exists)")
    private Path outFile;

    @Mixin
    private FeatureOptions featureOptions;

    public BaselineCommand() {
        this(System.out, System.err);
    }

    public BaselineCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int report() throws IOException {
        List<String> requested = featureOptions.features();
        int k = featureOptions.sketchK();
        if (Files.isDirectory(outFile)) {
            throw new ConfigException(
                    "--out",
                    outFile + " is a directory",
                    "name the file to write, e.g. " + outFile.resolve("baseline.json"));
        }

        FeatureColumnsReader.Columns columns = FeatureColumnsReader.read("--input", input, Set.copyOf(requested));
        List<String> features = requested.isEmpty() ? columns.numericNames() : requested;
        if (features.isEmpty()) {
            throw new FeatureColumnsReader.BadInput(
                    "--input: " + input + " has no numeric column with values (" + columns.rows() + " records)");
        }
        if (requested.isEmpty() && !columns.emptyNames().isEmpty()) {
            err.println("waferflow baseline: skipped (no values): " + String.join(", ", columns.emptyNames()));
        }

        Map<String, Distribution> distributions = new LinkedHashMap<>();
        TextTable summary = new TextTable("feature", "n", "mean", "std", "min", "p5", "p50", "p95", "max");
        for (String feature : features) {
            double[] values = columns.values(feature);
            Distribution d = Distribution.ofValues(values, k);
            distributions.put(feature, d);
            StepCdf exact = StepCdf.exact(values);
            summary.row(
                    feature,
                    d.n,
                    g(d.mean),
                    g(d.std()),
                    g(d.min),
                    g(exact.quantile(0.05)),
                    g(exact.quantile(0.5)),
                    g(exact.quantile(0.95)),
                    g(d.max));
        }
        new BaselineFile(input.toString(), Instant.now(), k, distributions).write(outFile);

        out.printf(Locale.ROOT, "baseline of %s (%d records), KLL k=%d%n%n", input, columns.rows(), k);
        out.print(summary.render());
        out.printf(
                Locale.ROOT,
                "%nwrote %s: %d features, %,d bytes%n",
                outFile,
                distributions.size(),
                Files.size(outFile));
        return 0;
    }

    private static String g(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "n/a";
    }
}
