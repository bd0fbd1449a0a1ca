package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.TextTable;
import io.waferflow.config.ConfigException;
import io.waferflow.config.DriftRule;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftStatistics;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.drift.StepCdf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code drift-accuracy}: how far the sketch mode of the drift statistics is from the exact mode, and what that does to
 * verdicts (issue 4 item 6). A benchmark, not a test: seeded Monte-Carlo trials over cases (no shift, mean shifts, a
 * variance change, a bimodal split with unchanged mean and variance) and sample sizes. Every trial draws a baseline
 * sample from N(0, 1) and a current sample from the case's distribution, both of size n, and runs
 * {@link DriftStatistics#compare} twice on them: on {@link StepCdf#exact} of all values and on {@link StepCdf#of} the
 * KLL sketches of a {@link Distribution} (what the streaming detector does). Trials run on a thread pool; each draws
 * from its own generator seeded by (seed, case, n, trial), so the samples do not depend on the thread count. The KLL
 * sketches compact through {@code ReproducibleKll}, so a re-run prints the same tables. The default k is the shipped
 * {@code drift.sketch_k}.
 */
@CommandLine.Command(
        name = "drift-accuracy",
        description = {
            "benchmark drift statistics from KLL sketches against exact ones (PSI, KS, verdicts, memory)",
            "",
            "Monte-Carlo study of the drift statistics in sketch mode (KLL, parameter k) against exact mode on the same"
                    + " samples: PSI and KS D errors, false-alarm and detection rates, verdict agreement outside the"
                    + " undecidable band, and sketch memory per feature. Prints Markdown tables; progress goes to "
                    + "stderr.",
            // The names of CASES, in order (an annotation takes constants only; --cases reports them from CASES).
            "Cases: 1 no shift, 2 mean +0.05σ, 3 mean +0.1σ, 4 mean +0.25σ, 5 mean +0.5σ, 6 mean +1σ,",
            "       7 variance ×1.5, 8 bimodal ±0.5σ."
        })
public final class DriftAccuracyCommand implements Command, Callable<Integer> {

    /** Goals of issue 4 item 6. */
    static final double PSI_ERROR_GOAL = 0.02;

    static final double VERDICT_DIFF_GOAL = 0.01;
    static final int MEMORY_GOAL_BYTES = 8 * 1024;
    /** PSI up to here decides between stable, moderate (0.1) and drift (0.25); above it the verdict is drift. */
    static final double NEAR_THRESHOLD_PSI = 0.35;

    private static final DriftRule RULE = DriftRule.DEFAULT;

    /** A current-sample distribution, in units of the baseline's σ (the baseline is N(0, 1)). */
    interface Sampler {
        double next(SplittableRandom random);
    }

    record Case(String name, Sampler sampler) {}

    static final List<Case> CASES = List.of(
            new Case("no shift", SplittableRandom::nextGaussian),
            new Case("mean +0.05σ", r -> 0.05 + r.nextGaussian()),
            new Case("mean +0.1σ", r -> 0.1 + r.nextGaussian()),
            new Case("mean +0.25σ", r -> 0.25 + r.nextGaussian()),
            new Case("mean +0.5σ", r -> 0.5 + r.nextGaussian()),
            new Case("mean +1σ", r -> 1 + r.nextGaussian()),
            new Case("variance ×1.5", r -> Math.sqrt(1.5) * r.nextGaussian()),
            // Mean 0 and variance 0.25 + 0.75 = 1, as the baseline: only the shape changes.
            new Case("bimodal ±0.5σ", r -> (r.nextBoolean() ? 0.5 : -0.5) + Math.sqrt(0.75) * r.nextGaussian()));

    private static String caseNames() {
        return String.join(", ", CASES.stream().map(Case::name).toList());
    }

    @Option(names = "--trials", paramLabel = "T", description = "trials per case and size (default ${DEFAULT-VALUE})")
    private int trials = 1000;

    @Option(
            names = "--sizes",
            paramLabel = "N",
            split = ",",
            description = "sample sizes n, the same on both" + " sides (default 200,1000,10000,100000,1000000)")
    private List<Integer> sizes = new ArrayList<>(List.of(200, 1000, 10000, 100000, 1000000));

    @Option(
            names = "--k",
            paramLabel = "K",
            description = "KLL parameter (default ${DEFAULT-VALUE}, the shipped drift.sketch_k)")
    private int k = 1536;

    @Option(names = "--seed", paramLabel = "S", description = "base seed (default ${DEFAULT-VALUE})")
    private long seed = 1;

    @Option(names = "--threads", paramLabel = "P", description = "worker threads (default ${DEFAULT-VALUE})")
    private int threads = 2;

    @Option(
            names = "--cases",
            paramLabel = "LIST",
            description = "case numbers, e.g. 1,3 (see the cases above)," + " or all (default)")
    private String cases = "all";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        positive("--trials", trials, 1000);
        positive("--k", k, 1536);
        positive("--threads", threads, 2);
        String command = "bin/waferflow "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        System.out.println(report(command, trials, sizes, caseIndexes(cases), k, seed, threads));
        return 0;
    }

    private static void positive(String option, int value, int example) {
        if (value < 1) {
            throw new ConfigException(option, "must be at least 1", "pass e.g. " + option + " " + example);
        }
    }

    private static List<Integer> caseIndexes(String value) {
        if (value.equals("all")) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < CASES.size(); i++) {
                all.add(i);
            }
            return all;
        }
        Set<Integer> picked = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            try {
                int i = Integer.parseInt(s.trim());
                if (i < 1 || i > CASES.size()) {
                    throw new NumberFormatException();
                }
                picked.add(i - 1);
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        "--cases",
                        "'" + s + "' is not a case number",
                        "use 1.." + CASES.size() + " (" + caseNames() + ") or all");
            }
        }
        return List.copyOf(picked);
    }

    private static String report(
            String command, int trials, List<Integer> sizes, List<Integer> cases, int k, long seed, int threads)
            throws InterruptedException, ExecutionException {
        List<Row> rows = new ArrayList<>();
        List<String> timings = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int n : sizes) {
                long start = System.nanoTime();
                List<List<Future<Trial>>> submitted = new ArrayList<>();
                for (int c : cases) {
                    List<Future<Trial>> futures = new ArrayList<>();
                    for (int t = 0; t < trials; t++) {
                        long trialSeed = trialSeed(seed, c, n, t);
                        futures.add(pool.submit(() -> Trial.run(CASES.get(c), n, k, trialSeed)));
                    }
                    submitted.add(futures);
                }
                for (int i = 0; i < cases.size(); i++) {
                    List<Trial> done = new ArrayList<>();
                    for (Future<Trial> f : submitted.get(i)) {
                        done.add(f.get());
                    }
                    rows.add(new Row(CASES.get(cases.get(i)).name(), n, done));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                String timing = String.format(
                        Locale.ROOT, "n=%d: %d trials × %d cases in %.0f s", n, trials, cases.size(), seconds);
                timings.add(timing);
                System.err.println("[drift-accuracy] " + timing);
            }
        } finally {
            pool.shutdownNow();
        }
        return markdown(command, trials, k, seed, threads, rows, timings);
    }

    /** A well-mixed seed per (seed, case, n, trial) (SplitMix64 finalizer over each part in turn). */
    static long trialSeed(long seed, int caseIndex, int n, int trial) {
        long h = mix(seed);
        h = mix(h ^ caseIndex);
        h = mix(h ^ n);
        return mix(h ^ trial);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One trial: exact and sketch mode on the same two samples. */
    record Trial(
            double psiExact,
            double psiSketch,
            double dExact,
            double dSketch,
            double eps,
            double dCritical,
            DriftVerdict exact,
            DriftVerdict sketch,
            boolean ksExact,
            boolean ksSketch,
            boolean ksSketchNaive,
            int sketchBytes,
            int distributionBytes) {

        private static final ThreadLocal<TypeSerializer<Distribution>> SERIALIZER = ThreadLocal.withInitial(
                () -> TypeInformation.of(Distribution.class).createSerializer(new SerializerConfigImpl()));

        static Trial run(Case c, int n, int k, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] baseline = new double[n];
            double[] current = new double[n];
            for (int i = 0; i < n; i++) {
                baseline[i] = random.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                current[i] = c.sampler().next(random);
            }
            Distribution b = Distribution.ofValues(baseline, k);
            Distribution cur = Distribution.ofValues(current, k);
            DriftMetric e =
                    DriftStatistics.compare(c.name(), StepCdf.exact(baseline), b, StepCdf.exact(current), cur, RULE);
            DriftMetric s = DriftStatistics.compare(c.name(), StepCdf.of(b, k), b, StepCdf.of(cur, k), cur, RULE);
            return new Trial(
                    e.psi,
                    s.psi,
                    e.ksD,
                    s.ksD,
                    s.rankErrorBaseline + s.rankErrorCurrent,
                    e.ksCritical,
                    e.verdict,
                    s.verdict,
                    e.ksPValue < RULE.alpha,
                    s.ksPValueConservative < RULE.alpha,
                    s.ksPValue < RULE.alpha,
                    Math.max(b.sketch.length, cur.sketch.length),
                    Math.max(stateBytes(b), stateBytes(cur)));
        }

        /** Bytes of a Distribution in Flink state (its POJO serializer). */
        private static int stateBytes(Distribution d) {
            DataOutputSerializer out = new DataOutputSerializer(16 * 1024);
            try {
                SERIALIZER.get().serialize(d, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.length();
        }

        boolean nonStableExact() {
            return exact == DriftVerdict.MODERATE || exact == DriftVerdict.DRIFT;
        }

        boolean nonStableSketch() {
            return sketch == DriftVerdict.MODERATE || sketch == DriftVerdict.DRIFT;
        }

        /**
         * Undecidable: the exact statistics are so close to a decision boundary that the sketch, within its error
         * bounds, may legitimately decide the other way. KS: the sketch's test is significant when D_sketch − ε >
         * D_crit, and D_sketch lies within D_exact ± ε, so it must agree with the exact test when D_exact < D_crit or
         * D_exact > D_crit + 2ε; in [D_crit, D_crit + 2ε] it may stay silent. PSI: when the exact test is significant,
         * an exact PSI within the accuracy goal (0.02) of a threshold (0.1, 0.25).
         */
        boolean undecidable() {
            boolean ksBand = dExact >= dCritical && dExact <= dCritical + 2 * eps;
            boolean psiBand = Math.abs(psiExact - RULE.psiModerate) <= PSI_ERROR_GOAL
                    || Math.abs(psiExact - RULE.psiDrift) <= PSI_ERROR_GOAL;
            return ksBand || (ksExact && psiBand);
        }
    }

    /** The trials of one (case, n). */
    record Row(String caseName, int n, List<Trial> trials) {

        double[] sorted(ToDoubleFunction<Trial> f) {
            double[] v = trials.stream().mapToDouble(f).toArray();
            Arrays.sort(v);
            return v;
        }

        double share(java.util.function.Predicate<Trial> p) {
            return (double) trials.stream().filter(p).count() / trials.size();
        }

        double mean(ToDoubleFunction<Trial> f) {
            return trials.stream().mapToDouble(f).average().orElse(Double.NaN);
        }

        long decidable() {
            return trials.stream().filter(t -> !t.undecidable()).count();
        }

        long differOutsideBand() {
            return trials.stream()
                    .filter(t -> !t.undecidable() && t.exact() != t.sketch())
                    .count();
        }

        double differOutsideBandShare() {
            long d = decidable();
            return d == 0 ? 0 : (double) differOutsideBand() / d;
        }

        boolean noShift() {
            return caseName.equals(CASES.get(0).name());
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String markdown(
            String command, int trials, int k, long seed, int threads, List<Row> rows, List<String> timings) {
        StringBuilder sb = new StringBuilder();
        sb.append("Command: `").append(command).append("`  \n");
        sb.append(String.format(
                Locale.ROOT,
                "%d trials per (case, n), KLL k=%d, seed %d, %d threads; rule: KS"
                        + " α=%.2f, PSI %.2f/%.2f. Wall time: %s.%n%n",
                trials,
                k,
                seed,
                threads,
                RULE.alpha,
                RULE.psiModerate,
                RULE.psiDrift,
                String.join("; ", timings)));

        sb.append("**Statistic errors** (Δ = |sketch − exact| on the same samples; ε = ε_b + ε_c, the sketches'"
                + " rank errors; \"ΔD > ε\" = share of trials where the bound fails)\n\n");
        TextTable accuracy = new TextTable(
                "case",
                "n",
                "ΔPSI p95",
                "ΔPSI p99",
                "ΔPSI max",
                "ΔD p95",
                "ΔD max",
                "mean ε",
                "ΔD > ε",
                "mean PSI exact",
                "mean D exact");
        for (Row r : rows) {
            double[] dPsi = r.sorted(t -> Math.abs(t.psiSketch() - t.psiExact()));
            double[] dD = r.sorted(t -> Math.abs(t.dSketch() - t.dExact()));
            accuracy.row(
                    r.caseName(),
                    r.n(),
                    f4(percentile(dPsi, 0.95)),
                    f4(percentile(dPsi, 0.99)),
                    f4(dPsi[dPsi.length - 1]),
                    f4(percentile(dD, 0.95)),
                    f4(dD[dD.length - 1]),
                    f4(r.mean(Trial::eps)),
                    pct(r.share(t -> Math.abs(t.dSketch() - t.dExact()) > t.eps())),
                    f4(r.mean(Trial::psiExact)),
                    f4(r.mean(Trial::dExact)));
        }
        sb.append(accuracy.markdown()).append('\n');

        sb.append("**Verdicts** (non-stable = moderate or drift: the false-alarm rate under no shift, the detection"
                + " rate otherwise; KS sig. = the KS test alone is significant: exact p, sketch p_cons (of D − ε),"
                + " and the naive sketch p of D with the true n; undecidable and differ-outside-band as defined"
                + " below)\n\n");
        TextTable verdicts = new TextTable(
                "case",
                "n",
                "non-stable exact",
                "non-stable sketch",
                "KS sig. exact",
                "KS sig. sketch",
                "KS sig. naive",
                "undecidable",
                "differ",
                "differ outside band",
                "sketch more severe");
        for (Row r : rows) {
            verdicts.row(
                    r.caseName(),
                    r.n(),
                    pct(r.share(Trial::nonStableExact)),
                    pct(r.share(Trial::nonStableSketch)),
                    pct(r.share(Trial::ksExact)),
                    pct(r.share(Trial::ksSketch)),
                    pct(r.share(Trial::ksSketchNaive)),
                    pct(r.share(Trial::undecidable)),
                    pct(r.share(t -> t.exact() != t.sketch())),
                    pct(r.differOutsideBandShare()) + " (" + r.differOutsideBand() + "/" + r.decidable() + ")",
                    pct(r.share(t -> t.sketch().compareTo(t.exact()) > 0)));
        }
        sb.append(verdicts.markdown()).append('\n');

        sb.append("**Sketch memory per feature** (largest over every trial of the size; KLL = compact serialized"
                + " sketch, Distribution = moments + sketch in Flink state, POJO serializer)\n\n");
        TextTable memory = new TextTable("n", "KLL bytes mean", "KLL bytes max", "Distribution bytes max");
        List<Integer> sizes = rows.stream().map(Row::n).distinct().toList();
        for (int n : sizes) {
            List<Trial> all = rows.stream()
                    .filter(r -> r.n() == n)
                    .flatMap(r -> r.trials().stream())
                    .toList();
            memory.row(
                    n,
                    String.format(
                            Locale.ROOT,
                            "%.0f",
                            all.stream().mapToInt(Trial::sketchBytes).average().orElse(0)),
                    all.stream().mapToInt(Trial::sketchBytes).max().orElse(0),
                    all.stream().mapToInt(Trial::distributionBytes).max().orElse(0));
        }
        sb.append(memory.markdown()).append('\n');

        sb.append(String.format(
                Locale.ROOT,
                "Undecidable band: a trial is undecidable when D_crit ≤ D_exact ≤ D_crit"
                        + " + 2(ε_b + ε_c) (the sketch's conservative test, significant iff D_sketch − ε > D_crit, "
                        + "may stay"
                        + " silent there and must agree outside it while |D_sketch − D_exact| ≤ ε), or when the exact "
                        + "KS test"
                        + " is significant and the exact PSI is within %.2f (the PSI accuracy goal) of %.2f or %.2f."
                        + " \"differ outside band\" = trials outside the band whose sketch verdict differs from the "
                        + "exact"
                        + " one, over all trials outside the band.%n%n",
                PSI_ERROR_GOAL,
                RULE.psiModerate,
                RULE.psiDrift));
        sb.append(goals(rows));
        return sb.toString();
    }

    private static String goals(List<Row> rows) {
        StringBuilder sb = new StringBuilder("Goals:\n");
        double worstPsi = 0;
        String worstPsiAt = "";
        double worstAlarm = 0;
        String worstAlarmAt = "";
        double worstDiff = 0;
        String worstDiffAt = "";
        for (Row r : rows) {
            double p95 = percentile(r.sorted(t -> Math.abs(t.psiSketch() - t.psiExact())), 0.95);
            if (p95 >= worstPsi) {
                worstPsi = p95;
                worstPsiAt = r.caseName() + ", n=" + r.n();
            }
            if (r.noShift() && r.share(Trial::nonStableSketch) >= worstAlarm) {
                worstAlarm = r.share(Trial::nonStableSketch);
                worstAlarmAt = "n=" + r.n();
            }
            if (r.differOutsideBandShare() >= worstDiff) {
                worstDiff = r.differOutsideBandShare();
                worstDiffAt = r.caseName() + ", n=" + r.n();
            }
        }
        int worstBytes = rows.stream()
                .flatMap(r -> r.trials().stream())
                .mapToInt(Trial::sketchBytes)
                .max()
                .orElse(0);
        sb.append(String.format(
                Locale.ROOT,
                "- p95 |ΔPSI| ≤ %.2f: %s (worst %.4f at %s)%n",
                PSI_ERROR_GOAL,
                worstPsi <= PSI_ERROR_GOAL ? "holds" : "FAILS",
                worstPsi,
                worstPsiAt));
        sb.append(String.format(
                Locale.ROOT,
                "  where the thresholds are decided (trials with exact PSI ≤ %.2f), p95" + " |ΔPSI| per n: %s%n",
                NEAR_THRESHOLD_PSI,
                nearThresholdPsiErrors(rows)));
        if (!worstAlarmAt.isEmpty()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "- sketch false-alarm rate under no shift ≤ α = %.2f: %s (worst %s" + " at %s)%n",
                    RULE.alpha,
                    worstAlarm <= RULE.alpha ? "holds" : "FAILS",
                    pct(worstAlarm),
                    worstAlarmAt));
        }
        sb.append(String.format(
                Locale.ROOT,
                "- verdicts differing outside the undecidable band ≤ %.0f %%: %s (worst %s" + " at %s)%n",
                VERDICT_DIFF_GOAL * 100,
                worstDiff <= VERDICT_DIFF_GOAL ? "holds" : "FAILS",
                pct(worstDiff),
                worstDiffAt));
        sb.append(String.format(
                Locale.ROOT,
                "- sketch ≤ %d bytes per feature: %s (largest KLL sketch %d bytes)%n",
                MEMORY_GOAL_BYTES,
                worstBytes <= MEMORY_GOAL_BYTES ? "holds" : "FAILS",
                worstBytes));
        return sb.toString();
    }

    private static String nearThresholdPsiErrors(List<Row> rows) {
        List<String> parts = new ArrayList<>();
        for (int n : rows.stream().map(Row::n).distinct().toList()) {
            double[] errors = rows.stream()
                    .filter(r -> r.n() == n)
                    .flatMap(r -> r.trials().stream())
                    .filter(t -> t.psiExact() <= NEAR_THRESHOLD_PSI)
                    .mapToDouble(t -> Math.abs(t.psiSketch() - t.psiExact()))
                    .sorted()
                    .toArray();
            parts.add("n=" + n + " " + (errors.length == 0 ? "-" : f4(percentile(errors, 0.95))));
        }
        return String.join(", ", parts);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
