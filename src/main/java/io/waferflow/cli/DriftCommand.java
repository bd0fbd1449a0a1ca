package io.waferflow.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.config.ConfigException;
import io.waferflow.config.DriftRule;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftStatistics;
import io.waferflow.drift.StepCdf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drift}: compares a current data file with a baseline, feature by feature, with the statistics the streaming
 * drift detector uses ({@link DriftStatistics}): PSI, the two-sample KS test and the verdict of the default rule.
 * {@code exact} mode builds the step functions from every value (ε = 0, a plain KS test); {@code sketch} mode from KLL
 * sketches, exactly as the streaming operator does; {@code both} shows them side by side. The baseline is a data file
 * or a baseline file written by {@code baseline} (which holds sketches only, so sketch mode).
 */
@CommandLine.Command(
        name = "drift",
        description = {
            "compare a data file with a baseline: PSI, KS test and drift verdict per feature",
            "",
            "Compares the current data with the baseline, feature by feature: PSI (10 bins at the baseline's deciles),"
                    + " the two-sample Kolmogorov-Smirnov distance D and p-value, means, standard deviations, the mean"
                    + " shift in baseline standard deviations, and the verdict of the default drift rule: drift when "
                    + "KS is"
                    + " significant at alpha 0.05 and PSI >= 0.25, moderate when significant and PSI >= 0.1, else "
                    + "stable;"
                    + " insufficient_data below 100 values on a side. Exits 0 whatever the verdict.",
            "",
            "FILE is JSON lines (.jsonl, .json: one object per line, numeric fields are features) or CSV (.csv: a "
                    + "header"
                    + " row, one column per feature); --baseline may also be a baseline file written by 'waferflow"
                    + " baseline' (then only sketch mode is possible)."
        })
public final class DriftCommand extends ReportCommand {

    enum Mode {
        EXACT,
        SKETCH,
        BOTH
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--baseline",
            paramLabel = "FILE",
            required = true,
            description = "reference data (.jsonl/.json/.csv) or a baseline file")
    private Path baselinePath;

    @Option(names = "--current", paramLabel = "FILE", required = true, description = "data to test (.jsonl/.json/.csv)")
    private Path currentPath;

    @Mixin
    private FeatureOptions featureOptions;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            description = {
                "exact, sketch or both (default both; sketch when --baseline is a baseline file):",
                "exact: step functions from every value: the plain KS test;",
                "sketch: from KLL sketches with parameter k, as the streaming detector computes it. The sketches' rank"
                        + " errors eps_b + eps_c bound the error of D; the verdict tests the lower bound"
                        + " D_low = max(0, D - eps_b - eps_c) (p_cons), so sketch error alone never reports drift. p is"
                        + " the p-value of D itself with the true sizes, for comparison only;",
                "both: exact and sketch side by side"
            })
    private String requestedMode;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "table (default) or json (one object per feature and mode, one per line)")
    private String format = "table";

    public DriftCommand() {
        this(System.out, System.err);
    }

    public DriftCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int report() throws IOException {
        List<String> requested = featureOptions.features();
        if (!format.equals("table") && !format.equals("json")) {
            throw new ConfigException("--format", "'" + format + "' is not a format", "use table or json");
        }
        int k = featureOptions.sketchK();
        if (!Files.exists(baselinePath)) {
            throw new FeatureColumnsReader.BadInput("--baseline: no such file: " + baselinePath);
        }
        boolean baselineIsFile = isBaselineFile(baselinePath);
        Mode mode = mode(baselineIsFile);
        Set<String> wanted = Set.copyOf(requested);
        FeatureColumnsReader.Columns current = FeatureColumnsReader.read("--current", currentPath, wanted);
        BaselineFile baselineFile = null;
        FeatureColumnsReader.Columns baselineColumns = null;
        List<String> baselineNames;
        if (baselineIsFile) {
            baselineFile = BaselineFile.read(baselinePath);
            baselineNames = baselineFile.features.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty())
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
        } else {
            baselineColumns = FeatureColumnsReader.read("--baseline", baselinePath, wanted);
            baselineNames = baselineColumns.numericNames();
        }
        List<String> features = requested.isEmpty() ? common(baselineNames, current) : requested;

        List<Comparison> results = new ArrayList<>();
        for (String feature : features) {
            double[] currentValues = current.values(feature);
            Distribution currentDist = Distribution.ofValues(currentValues, k);
            Distribution baselineDist;
            double[] baselineValues = null;
            if (baselineIsFile) {
                baselineDist = baselineFile.features.get(feature);
                if (baselineDist == null || baselineDist.isEmpty()) {
                    throw new FeatureColumnsReader.BadInput("--baseline: baseline file " + baselinePath
                            + (baselineDist == null ? " has no feature '" : " holds no values of '") + feature
                            + "' (features: " + String.join(", ", baselineNames) + ")");
                }
            } else {
                baselineValues = baselineColumns.values(feature);
                baselineDist = Distribution.ofValues(baselineValues, k);
            }
            String baselineId = "file:" + baselinePath.getFileName();
            if (mode != Mode.SKETCH) {
                results.add(new Comparison(
                        "exact",
                        metric(
                                feature,
                                baselineId,
                                StepCdf.exact(baselineValues),
                                baselineDist,
                                StepCdf.exact(currentValues),
                                currentDist)));
            }
            if (mode != Mode.EXACT) {
                results.add(new Comparison(
                        "sketch",
                        metric(
                                feature,
                                baselineId,
                                StepCdf.of(baselineDist, k),
                                baselineDist,
                                StepCdf.of(currentDist, k),
                                currentDist)));
            }
        }
        if (format.equals("json")) {
            for (Comparison c : results) {
                out.println(JSON.writeValueAsString(json(c)));
            }
        } else {
            out.print(table(baselinePath, currentPath, mode, k, results));
        }
        return 0;
    }

    private static DriftMetric metric(
            String feature,
            String baselineId,
            StepCdf baseline,
            Distribution baselineDist,
            StepCdf current,
            Distribution currentDist) {
        DriftMetric m =
                DriftStatistics.compare(feature, baseline, baselineDist, current, currentDist, DriftRule.DEFAULT);
        m.baselineId = baselineId;
        return m;
    }

    private List<String> common(List<String> baselineNames, FeatureColumnsReader.Columns current) {
        List<String> currentNames = current.numericNames();
        List<String> both =
                baselineNames.stream().filter(currentNames::contains).toList();
        if (both.isEmpty()) {
            throw new FeatureColumnsReader.BadInput("no numeric column with values is in both files (--baseline: "
                    + describe(baselineNames) + "; --current: " + describe(currentNames) + ")");
        }
        List<String> empty =
                current.emptyNames().stream().filter(baselineNames::contains).toList();
        if (!empty.isEmpty()) {
            err.println("waferflow drift: skipped (no values in --current): " + String.join(", ", empty));
        }
        return both;
    }

    private static String describe(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** A baseline file is one JSON object whose "format" is {@link BaselineFile#FORMAT}; data files are not. */
    static boolean isBaselineFile(Path file) {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") || Files.isDirectory(file)) {
            return false;
        }
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("format")) {
                    return v == JsonToken.VALUE_STRING && BaselineFile.FORMAT.equals(p.getText());
                }
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false; // not JSON at all: the data reader reports where
        }
    }

    private Mode mode(boolean baselineIsFile) {
        String value = requestedMode != null ? requestedMode : baselineIsFile ? "sketch" : "both";
        Mode parsed;
        try {
            parsed = Mode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--mode", "'" + value + "' is not a mode", "use exact, sketch or both");
        }
        if (baselineIsFile && parsed != Mode.SKETCH) {
            throw new ConfigException(
                    "--mode",
                    "a baseline file holds sketches, not values, so " + value + " mode is not possible",
                    "use --mode sketch, or pass the data the baseline was built from");
        }
        return parsed;
    }

    private static ObjectNode json(Comparison c) {
        DriftMetric m = c.metric;
        ObjectNode o = JSON.createObjectNode();
        o.put("feature", m.feature);
        o.put("mode", c.mode);
        o.put("baseline_id", m.baselineId);
        o.put("n_baseline", m.nBaseline);
        o.put("n_current", m.nCurrent);
        number(o, "baseline_mean", m.baselineMean);
        number(o, "baseline_std", m.baselineStd);
        number(o, "current_mean", m.currentMean);
        number(o, "current_std", m.currentStd);
        number(o, "shift_sigma", m.shiftSigma);
        number(o, "psi", m.psi);
        number(o, "ks_d", m.ksD);
        number(o, "rank_error_baseline", m.rankErrorBaseline);
        number(o, "rank_error_current", m.rankErrorCurrent);
        number(o, "ks_d_lower", m.ksDLower);
        number(o, "ks_critical", m.ksCritical);
        number(o, "ks_p_value", m.ksPValue);
        number(o, "ks_p_value_conservative", m.ksPValueConservative);
        o.put("exact", m.exact);
        o.put("verdict", m.verdict.label());
        return o;
    }

    /** JSON has no NaN: a value that is not a number is null. */
    private static void number(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }

    private static String table(Path baselinePath, Path currentPath, Mode mode, int k, List<Comparison> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("baseline: ")
                .append(baselinePath)
                .append("\ncurrent:  ")
                .append(currentPath)
                .append("\n\n");
        TextTable moments = new TextTable(
                "feature", "n_base", "n_cur", "mean_base", "mean_cur", "std_base", "std_cur", "shift_sigma");
        String last = null;
        for (Comparison c : results) {
            DriftMetric m = c.metric;
            if (!m.feature.equals(last)) {
                moments.row(
                        m.feature,
                        m.nBaseline,
                        m.nCurrent,
                        g(m.baselineMean),
                        g(m.currentMean),
                        g(m.baselineStd),
                        g(m.currentStd),
                        signed(m.shiftSigma));
            }
            last = m.feature;
        }
        sb.append(moments.render()).append('\n');
        TextTable tests;
        if (mode == Mode.BOTH) {
            tests = new TextTable(
                    "feature",
                    "psi_exact",
                    "psi_sketch",
                    "d_exact",
                    "d_sketch",
                    "eps",
                    "p_exact",
                    "p_sketch",
                    "p_cons",
                    "verdict_exact",
                    "verdict_sketch");
            for (int i = 0; i + 1 < results.size(); i += 2) {
                DriftMetric e = results.get(i).metric;
                DriftMetric s = results.get(i + 1).metric;
                tests.row(
                        e.feature,
                        f4(e.psi),
                        f4(s.psi),
                        f4(e.ksD),
                        f4(s.ksD),
                        f4(eps(s)),
                        p(e.ksPValue),
                        p(s.ksPValue),
                        p(s.ksPValueConservative),
                        e.verdict.label(),
                        s.verdict.label());
            }
        } else if (mode == Mode.EXACT) {
            tests = new TextTable("feature", "psi", "d", "d_crit", "p", "verdict");
            for (Comparison c : results) {
                DriftMetric m = c.metric;
                tests.row(m.feature, f4(m.psi), f4(m.ksD), f4(m.ksCritical), p(m.ksPValue), m.verdict.label());
            }
        } else {
            tests = new TextTable("feature", "psi", "d", "eps", "d_low", "d_crit", "p", "p_cons", "verdict");
            for (Comparison c : results) {
                DriftMetric m = c.metric;
                tests.row(
                        m.feature,
                        f4(m.psi),
                        f4(m.ksD),
                        f4(eps(m)),
                        f4(m.ksDLower),
                        f4(m.ksCritical),
                        p(m.ksPValue),
                        p(m.ksPValueConservative),
                        m.verdict.label());
            }
        }
        sb.append(tests.render()).append('\n');
        DriftRule r = DriftRule.DEFAULT;
        sb.append(String.format(
                Locale.ROOT,
                "psi: 10 bins at the baseline deciles. d: KS distance; d_crit: the" + " critical d at alpha %.2f.%n",
                r.alpha));
        if (mode != Mode.EXACT) {
            sb.append(String.format(
                    Locale.ROOT,
                    "sketch (KLL k=%d): eps = eps_b + eps_c, the sketches' rank"
                            + " errors (0 while a sketch holds every value); d_low = max(0, d - eps).%n"
                            + "p: KS p-value of d; p_cons: of d_low, which the sketch verdict uses.%n",
                    k));
        }
        sb.append(String.format(
                Locale.ROOT,
                "verdict: drift if KS significant (p%s < %.2f) and psi >= %.2f;"
                        + " moderate if significant and psi >= %.2f; else stable (insufficient_data below %d/%d"
                        + " values).%n",
                mode == Mode.EXACT ? "" : "_cons",
                r.alpha,
                r.psiDrift,
                r.psiModerate,
                r.minBaseline,
                r.minCurrent));
        return sb.toString();
    }

    private static double eps(DriftMetric m) {
        return m.rankErrorBaseline + m.rankErrorCurrent;
    }

    private static String g(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "n/a";
    }

    private static String f4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", v) : "n/a";
    }

    /** p-values below 1e-15 are below the precision of the asymptotic formula (1 − a sum near 1). */
    private static String p(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return v < 1e-15 ? "<1e-15" : String.format(Locale.ROOT, "%.3g", v);
    }

    private record Comparison(String mode, DriftMetric metric) {}
}
