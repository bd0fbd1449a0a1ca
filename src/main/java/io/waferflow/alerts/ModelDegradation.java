package io.waferflow.alerts;

import io.waferflow.model.ModelMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Degradation of one model version (keyed by model key) per window, against its baseline (SPEC 5): a window with at
 * least {@code minLabels} labeled predictions whose accuracy is below the baseline by more than {@code p2Drop} points
 * is a P2 observation, by more than {@code p1Drop} a P1 one; otherwise a clear one. A regression is judged on its MAE:
 * a rise by more than {@code p2Drop} (P2) or {@code p1Drop} (P1) <em>of the baseline MAE</em>, the same shares read as
 * relative error. "More than" allows 1e-9 for rounding, so a drop of exactly 5 points is not one.
 *
 * <p><b>Revisions.</b> Each revision of a window (late actuals) is judged again and observed again; the alert policy
 * lets a later observation of a window replace the earlier one, so a window that late actuals clear stops counting.
 *
 * <p><b>Baseline.</b> {@code configured.get(model)} when given (classification), else measured: the labeled predictions
 * of the windows that end within {@code referenceMs} of the version's first window's start, pooled (correct / labeled;
 * MAE weighted by labels). Late actuals keep revising those windows, so the measured baseline settles once the
 * watermark passes the reference end plus {@code settleMs} (the time labels are given to arrive) and the pool holds at
 * least {@code minLabels} labels; if it does not by then, it settles at the first revision that brings enough. It never
 * changes afterwards, so judgements are reproducible. Windows after the reference that arrive before it settles wait
 * (their latest revision) and are judged when it does; reference windows are never judged.
 *
 * <p>State: the baseline (kept for the life of the model version: a few numbers), and until it settles the latest
 * revision of each window seen, cleared when it settles.
 */
public class ModelDegradation extends KeyedProcessFunction<String, ModelMetrics, AlertSignal> {

    private static final long serialVersionUID = 1L;
    private static final double ROUNDING = 1e-9;

    private final Map<String, Double> configured;
    private final long referenceMs;
    private final long settleMs;
    private final int minLabels;
    private final double p2Drop;
    private final double p1Drop;

    private transient ValueState<ModelBaseline> baseline;
    private transient MapState<Long, ModelMetrics> waiting;

    public ModelDegradation(
            Map<String, Double> configured,
            long referenceMs,
            long settleMs,
            int minLabels,
            double p2Drop,
            double p1Drop) {
        this.configured = Map.copyOf(configured);
        this.referenceMs = referenceMs;
        this.settleMs = settleMs;
        this.minLabels = minLabels;
        this.p2Drop = p2Drop;
        this.p1Drop = p1Drop;
    }

    public static ValueStateDescriptor<ModelBaseline> baselineDescriptor() {
        return new ValueStateDescriptor<>("model-baseline", TypeInformation.of(ModelBaseline.class));
    }

    /** Windows by end, their latest revision, until the baseline settles. */
    public static MapStateDescriptor<Long, ModelMetrics> waitingDescriptor() {
        return new MapStateDescriptor<>(
                "model-windows-before-baseline", Types.LONG, TypeInformation.of(ModelMetrics.class));
    }

    @Override
    public void open(OpenContext openContext) {
        baseline = getRuntimeContext().getState(baselineDescriptor());
        waiting = getRuntimeContext().getMapState(waitingDescriptor());
    }

    @Override
    public void processElement(ModelMetrics m, Context ctx, Collector<AlertSignal> out) throws Exception {
        ModelBaseline b = baseline.value();
        if (b == null) {
            b = start(m, ctx);
        }
        if (b.settled) {
            judge(m, b, out);
            return;
        }
        ModelMetrics earlier = waiting.get(m.windowEnd);
        if (earlier == null || m.revision >= earlier.revision) {
            waiting.put(m.windowEnd, m);
        }
        if (ctx.timerService().currentWatermark() >= b.referenceEnd + settleMs) {
            settle(b, out); // past the settle time, waiting for enough labels: this revision may bring them
        }
    }

    private ModelBaseline start(ModelMetrics m, Context ctx) throws Exception {
        ModelBaseline b = new ModelBaseline();
        b.task = m.task;
        b.firstWindowStart = m.windowStart;
        b.referenceEnd = m.windowStart + referenceMs;
        Double given = configured.get(m.model);
        if (given != null && ModelMetrics.CLASSIFICATION.equals(m.task)) {
            b.settled = true;
            b.source = ModelBaseline.CONFIGURED;
            b.accuracy = given;
        } else {
            b.source = ModelBaseline.MEASURED;
            ctx.timerService().registerEventTimeTimer(b.referenceEnd + settleMs);
        }
        baseline.update(b);
        return b;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertSignal> out) throws Exception {
        ModelBaseline b = baseline.value();
        if (b != null && !b.settled) {
            settle(b, out);
        }
    }

    /** Settles the measured baseline if the reference windows hold enough labels, then judges the waiting windows. */
    private void settle(ModelBaseline b, Collector<AlertSignal> out) throws Exception {
        List<ModelMetrics> windows = new ArrayList<>();
        waiting.values().forEach(windows::add);
        long labeled = 0;
        double correct = 0;
        double absError = 0;
        int used = 0;
        for (ModelMetrics w : windows) {
            if (w.windowEnd <= b.referenceEnd && w.labeled > 0 && !Double.isNaN(value(w))) {
                labeled += w.labeled;
                correct += w.accuracy * w.labeled; // accuracy = correct / labeled: this recovers the count
                absError += w.mae * w.labeled;
                used++;
            }
        }
        if (labeled < minLabels) {
            return;
        }
        b.settled = true;
        b.labeled = labeled;
        b.windows = used;
        if (ModelMetrics.CLASSIFICATION.equals(b.task)) {
            b.accuracy = Math.round(correct) / (double) labeled;
        } else {
            b.mae = absError / labeled;
        }
        baseline.update(b);
        waiting.clear();
        windows.sort(Comparator.comparingLong(w -> w.windowEnd));
        for (ModelMetrics w : windows) {
            if (w.windowEnd > b.referenceEnd) {
                judge(w, b, out);
            }
        }
    }

    private static double value(ModelMetrics m) {
        return ModelMetrics.CLASSIFICATION.equals(m.task) ? m.accuracy : m.mae;
    }

    private void judge(ModelMetrics m, ModelBaseline b, Collector<AlertSignal> out) {
        if (m.windowEnd <= b.referenceEnd && ModelBaseline.MEASURED.equals(b.source)) {
            return; // the baseline's own windows
        }
        if (m.labeled < minLabels || Double.isNaN(value(m))) {
            return; // too few labels to judge: no observation (the policy counts absence as clear)
        }
        boolean classification = ModelMetrics.CLASSIFICATION.equals(b.task);
        double base = classification ? b.accuracy : b.mae;
        // Points of accuracy lost, or the MAE's rise as a share of the baseline MAE.
        double drop = classification ? base - m.accuracy : (m.mae - base) / base;
        AlertSeverity severity = drop > p1Drop + ROUNDING ? AlertSeverity.P1 : AlertSeverity.P2;
        boolean active = drop > p2Drop + ROUNDING;
        out.collect(ModelFindings.signal(context(m, b, severity, drop, classification), active));
    }

    private Alert context(
            ModelMetrics m, ModelBaseline b, AlertSeverity severity, double drop, boolean classification) {
        String modelKey = m.modelKey();
        Alert a = new Alert();
        a.type = ModelFindings.DEGRADATION;
        a.key = ModelFindings.degradationKey(modelKey);
        a.subject = modelKey;
        a.severity = severity;
        a.field = classification ? "accuracy" : "mae";
        a.baselineMean = classification ? b.accuracy : b.mae;
        a.currentMean = classification ? m.accuracy : m.mae;
        a.nBaseline = b.labeled;
        a.nCurrent = m.labeled;
        a.rate = drop;
        a.threshold = severity == AlertSeverity.P1 ? p1Drop : p2Drop;
        a.windowStart = m.windowStart;
        a.windowEnd = m.windowEnd;
        String baselineText = b.source + " baseline";
        if (classification) {
            a.title = String.format(
                    Locale.ROOT,
                    "%s accuracy down %.1f points (%.3f vs %.3f)",
                    modelKey,
                    100 * drop,
                    m.accuracy,
                    b.accuracy);
            a.message = String.format(
                    Locale.ROOT,
                    "%s: accuracy %.3f in the window vs %.3f %s (%+.1f points; P2 beyond %.1f, P1 beyond %.1f); "
                            + "%d labeled of %d predictions (revision %d)",
                    modelKey,
                    m.accuracy,
                    b.accuracy,
                    baselineText,
                    -100 * drop,
                    100 * p2Drop,
                    100 * p1Drop,
                    m.labeled,
                    m.predictions,
                    m.revision);
        } else {
            a.title =
                    String.format(Locale.ROOT, "%s MAE up %.0f %% (%.4g vs %.4g)", modelKey, 100 * drop, m.mae, b.mae);
            a.message = String.format(
                    Locale.ROOT,
                    "%s: MAE %.4g in the window vs %.4g %s (%+.1f %%; P2 beyond %.0f %%, P1 beyond %.0f %%); "
                            + "%d labeled of %d predictions (revision %d)",
                    modelKey,
                    m.mae,
                    b.mae,
                    baselineText,
                    100 * drop,
                    100 * p2Drop,
                    100 * p1Drop,
                    m.labeled,
                    m.predictions,
                    m.revision);
        }
        return a;
    }
}
