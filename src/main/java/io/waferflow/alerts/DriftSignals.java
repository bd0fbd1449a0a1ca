package io.waferflow.alerts;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.DriftGroups;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one drift window's metrics, of every feature, into alert observations (keyed by drift window end).
 *
 * <p>The detector judges all features of a window at the same event time; this operator collects them and fires at that
 * time, after all have arrived. With false-discovery control on, a feature's drift condition holds only if its verdict
 * is moderate or drift <em>and</em> its conservative KS p-value is rejected by Benjamini–Hochberg at {@code q} among
 * all features tested in that window; otherwise the verdict alone decides. Every feature gets an observation (held or
 * clear), so the policy sees clear windows explicitly. One more observation, {@code drift:*}, holds when at least
 * {@code severalFeatures} features drift in the window (P1 in SPEC 5).
 *
 * <p>Drift groups ({@code drift.group_by}): a group's metric is one more test of the window, in the same
 * Benjamini–Hochberg family as the overall ones, and its condition is {@code drift:<feature>:<field>=<value>} (type
 * {@code drift_group}, P2), whose alert names the group and says whether the feature drifts overall too ("vdd drifting
 * on tester T07 only"). A feature counts once toward {@code drift:*}, whether it drifts overall or in a group.
 */
public class DriftSignals extends KeyedProcessFunction<Long, DriftMetric, AlertSignal> {

    private static final long serialVersionUID = 1L;

    public static final String POLICY = "drift";
    public static final String TYPE = "drift";
    public static final String TYPE_MULTIPLE = "drift_multiple";
    public static final String TYPE_GROUP = "drift_group";

    /** A group's Benjamini–Hochberg clause says the family it was tested in. */
    private static final String GROUP_FDR_SCOPE = ", over all tests of the window, groups included";

    private final boolean fdr;
    private final double q;
    private final int severalFeatures;

    private transient ListState<DriftMetric> window;

    public DriftSignals(boolean fdr, double q, int severalFeatures) {
        this.fdr = fdr;
        this.q = q;
        this.severalFeatures = severalFeatures;
    }

    public static ListStateDescriptor<DriftMetric> windowDescriptor() {
        return new ListStateDescriptor<>("drift-window-metrics", TypeInformation.of(DriftMetric.class));
    }

    @Override
    public void open(OpenContext openContext) {
        window = getRuntimeContext().getListState(windowDescriptor());
    }

    @Override
    public void processElement(DriftMetric m, Context ctx, Collector<AlertSignal> out) throws Exception {
        window.add(m);
        // The detector emits a window's metrics at its judging time; fire once the watermark passes it.
        ctx.timerService().registerEventTimeTimer(ctx.timestamp());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertSignal> out) throws Exception {
        List<DriftMetric> metrics = new ArrayList<>();
        window.get().forEach(metrics::add);
        window.clear();
        if (metrics.isEmpty()) {
            return;
        }
        double threshold = fdr ? BenjaminiHochberg.threshold(testedPValues(metrics), q) : Double.NaN;
        Set<String> driftingOverall = new HashSet<>();
        for (DriftMetric m : metrics) {
            if (m.driftGroup == null && active(m, threshold)) {
                driftingOverall.add(m.feature);
            }
        }
        Set<String> drifting = new TreeSet<>(driftingOverall);
        DriftMetric any = metrics.get(0);
        for (DriftMetric m : metrics) {
            boolean active = active(m, threshold);
            if (m.driftGroup == null) {
                out.collect(featureSignal(m, active, threshold));
            } else {
                if (active) {
                    drifting.add(m.feature);
                }
                out.collect(groupSignal(m, active, threshold, driftingOverall.contains(m.feature)));
            }
        }
        out.collect(multipleSignal(any, new ArrayList<>(drifting)));
    }

    private boolean active(DriftMetric m, double threshold) {
        boolean flagged = m.verdict == DriftVerdict.MODERATE || m.verdict == DriftVerdict.DRIFT;
        return flagged && (!fdr || m.ksPValueConservative <= threshold);
    }

    private static double[] testedPValues(List<DriftMetric> metrics) {
        return metrics.stream()
                .filter(m -> m.verdict != DriftVerdict.INSUFFICIENT_DATA)
                .mapToDouble(m -> m.ksPValueConservative)
                .toArray();
    }

    private AlertSignal featureSignal(DriftMetric m, boolean active, double threshold) {
        Alert a = new Alert();
        a.type = TYPE;
        a.key = TYPE + ":" + m.feature;
        a.subject = m.feature;
        a.severity = AlertSeverity.P2;
        withStatistics(a, m);
        a.fdrThreshold = fdr ? threshold : Double.NaN;
        a.title = String.format(
                Locale.ROOT, "%s drifting: %s, PSI %.3f, KS D %.3f", m.feature, m.verdict.label(), m.psi, m.ksD);
        a.message = statistics(m.feature, "the baseline", m, threshold, "");
        return signal(a, active, m);
    }

    /** A drift group's test: the group named in key, title and message, and whether the feature drifts overall. */
    private AlertSignal groupSignal(DriftMetric m, boolean active, double threshold, boolean overallToo) {
        String who = DriftGroups.describe(m.driftGroup);
        Alert a = new Alert();
        a.type = TYPE_GROUP;
        a.key = TYPE + ":" + m.feature + ":" + m.driftGroup;
        a.subject = m.feature;
        a.severity = AlertSeverity.P2;
        withStatistics(a, m);
        a.driftGroup = m.driftGroup;
        a.fdrThreshold = fdr ? threshold : Double.NaN;
        a.title = String.format(
                Locale.ROOT,
                "%s drifting on %s%s: %s, PSI %.3f, KS D %.3f",
                m.feature,
                who,
                overallToo ? " (and overall)" : " only",
                m.verdict.label(),
                m.psi,
                m.ksD);
        a.message = statistics(m.feature + " on " + who, "its baseline", m, threshold, GROUP_FDR_SCOPE) + ". "
                + (overallToo
                        ? m.feature + " also drifts over all " + DriftGroups.field(m.driftGroup) + " values."
                        : m.feature + " over all " + DriftGroups.field(m.driftGroup)
                                + " values does not drift in this window: look at this one first.");
        return signal(a, active, m);
    }

    /**
     * The sentence of a drift test's numbers: mean ± std now against {@code baseline}, σ shift, PSI, KS D and its
     * conservative p, the Benjamini–Hochberg clause when false-discovery control is on ({@code fdrScope} says over
     * which tests), and the counts.
     */
    private String statistics(String subject, String baseline, DriftMetric m, double threshold, String fdrScope) {
        return String.format(
                Locale.ROOT,
                "%s: mean %.6g ± %.4g now vs %.6g ± %.4g in %s (%+.2f baseline σ); PSI %.3f; KS D %.4f, "
                        + "p %.3g beyond sketch error%s; %d values vs %d in the baseline",
                subject,
                m.currentMean,
                m.currentStd,
                m.baselineMean,
                m.baselineStd,
                baseline,
                m.shiftSigma,
                m.psi,
                m.ksD,
                m.ksPValueConservative,
                fdr
                        ? String.format(
                                Locale.ROOT, " (Benjamini–Hochberg threshold %.3g at q %.2f%s)", threshold, q, fdrScope)
                        : "",
                m.nCurrent,
                m.nBaseline);
    }

    /** The drift test's feature and numbers, into an alert's drift context (feature and model drift alike). */
    static Alert withStatistics(Alert a, DriftMetric m) {
        a.feature = m.feature;
        a.baselineMean = m.baselineMean;
        a.baselineStd = m.baselineStd;
        a.currentMean = m.currentMean;
        a.currentStd = m.currentStd;
        a.shiftSigma = m.shiftSigma;
        a.psi = m.psi;
        a.ksD = m.ksD;
        a.ksPValue = m.ksPValueConservative;
        a.nBaseline = m.nBaseline;
        a.nCurrent = m.nCurrent;
        return a;
    }

    private AlertSignal multipleSignal(DriftMetric any, List<String> drifting) {
        Alert a = new Alert();
        a.type = TYPE_MULTIPLE;
        a.key = TYPE + ":*";
        a.subject = "*";
        a.severity = AlertSeverity.P1;
        a.features = String.join(",", drifting);
        a.title = drifting.size() + " features drifting at once";
        a.message = String.format(
                Locale.ROOT,
                "%d features drift in the same window (%s); %d or more point to a "
                        + "common cause such as a tester, probe card or process change",
                drifting.size(),
                a.features,
                severalFeatures);
        return signal(a, drifting.size() >= severalFeatures, any);
    }

    private static AlertSignal signal(Alert context, boolean active, DriftMetric m) {
        context.windowStart = m.windowStart;
        context.windowEnd = m.windowEnd;
        return AlertSignal.of(context, POLICY, active);
    }
}
