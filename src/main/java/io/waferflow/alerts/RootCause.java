package io.waferflow.alerts;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Names the likely root cause of a model observation (keyed by model key): the model's input features that drifted
 * (moderate or drift verdict) in the same window, most drifted (PSI) first, each with its shift ("vdd_mean 1.20 → 1.25,
 * PSI 0.41"), in the alert's {@code features} and message.
 *
 * <p>Input 1: degradation and concept-drift observations; input 2: the model's input-drift metrics
 * ({@code <modelKey>:<input>}). They meet by window end in keyed state, in any order: an observation waits until the
 * watermark passes its window's end plus {@code graceMs}. The drift stage emits a window's metrics when its watermark
 * passes the window's end, before forwarding that watermark, and this operator's watermark is the minimum over both
 * inputs, so by then every input-drift metric of the window is here; the grace only tolerates a drift stage that emits
 * a little after the end. Observations that come later (revisions by late actuals) find the window's drift in state and
 * leave at the next watermark.
 *
 * <p>State: the drifted input metrics per window end, kept {@code keepMs} past the window's end (the time revisions can
 * come: {@code label_max_delay}); the observations waiting for their window (the latest per alert key).
 */
public class RootCause extends KeyedCoProcessFunction<String, AlertSignal, DriftMetric, AlertSignal> {

    private static final long serialVersionUID = 1L;

    private final long graceMs;
    private final long keepMs;

    private transient MapState<Long, List<DriftMetric>> drifted;
    private transient MapState<Long, List<AlertSignal>> waiting;

    public RootCause(long graceMs, long keepMs) {
        this.graceMs = graceMs;
        this.keepMs = keepMs;
    }

    public static MapStateDescriptor<Long, List<DriftMetric>> driftedDescriptor() {
        return new MapStateDescriptor<>(
                "model-drifted-inputs", Types.LONG, Types.LIST(TypeInformation.of(DriftMetric.class)));
    }

    public static MapStateDescriptor<Long, List<AlertSignal>> waitingDescriptor() {
        return new MapStateDescriptor<>(
                "model-observations-awaiting-drift", Types.LONG, Types.LIST(TypeInformation.of(AlertSignal.class)));
    }

    @Override
    public void open(OpenContext openContext) {
        drifted = getRuntimeContext().getMapState(driftedDescriptor());
        waiting = getRuntimeContext().getMapState(waitingDescriptor());
    }

    @Override
    public void processElement1(AlertSignal s, Context ctx, Collector<AlertSignal> out) throws Exception {
        List<AlertSignal> here = waiting.get(s.windowEnd);
        List<AlertSignal> more = new ArrayList<>();
        if (here != null) {
            // A later revision of the same window replaces the waiting one: only the latest needs judging.
            here.stream().filter(x -> !x.key.equals(s.key)).forEach(more::add);
        }
        more.add(s);
        waiting.put(s.windowEnd, more);
        ctx.timerService().registerEventTimeTimer(s.windowEnd + graceMs);
    }

    @Override
    public void processElement2(DriftMetric m, Context ctx, Collector<AlertSignal> out) throws Exception {
        if (m.verdict != DriftVerdict.MODERATE && m.verdict != DriftVerdict.DRIFT) {
            return;
        }
        List<DriftMetric> here = drifted.get(m.windowEnd);
        List<DriftMetric> more = here == null ? new ArrayList<>() : new ArrayList<>(here);
        more.removeIf(x -> x.feature.equals(m.feature));
        more.add(m);
        drifted.put(m.windowEnd, more);
        ctx.timerService().registerEventTimeTimer(m.windowEnd + keepMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertSignal> out) throws Exception {
        long windowEnd = timestamp - graceMs;
        List<AlertSignal> due = waiting.get(windowEnd);
        if (due != null) {
            waiting.remove(windowEnd);
            List<DriftMetric> inputs = ranked(drifted.get(windowEnd));
            for (AlertSignal s : due) {
                if (s.active && !inputs.isEmpty()) {
                    name(s.context, inputs);
                }
                out.collect(s);
            }
        }
        drifted.remove(timestamp - keepMs);
    }

    /** Most drifted first: PSI descending (a metric without PSI last), then by name for a stable order. */
    static List<DriftMetric> ranked(List<DriftMetric> metrics) {
        List<DriftMetric> sorted = metrics == null ? new ArrayList<>() : new ArrayList<>(metrics);
        sorted.sort(
                Comparator.comparingDouble((DriftMetric m) -> Double.isNaN(m.psi) ? Double.NEGATIVE_INFINITY : m.psi)
                        .reversed()
                        .thenComparing(m -> m.feature));
        return sorted;
    }

    private static void name(Alert a, List<DriftMetric> inputs) {
        a.features = inputs.stream().map(m -> ModelFindings.inputOf(m.feature)).collect(Collectors.joining(","));
        String shifts = inputs.stream().map(RootCause::shift).collect(Collectors.joining("; "));
        a.message = a.message + ". Input features drifting in the same window (most first): " + shifts;
        a.title = a.title + "; drifting inputs: " + a.features.replace(",", ", ");
    }

    /** "vdd_mean 1.20 → 1.25, PSI 0.41": three significant digits keep 1.21 V and 0.00210 A readable alike. */
    static String shift(DriftMetric m) {
        return String.format(
                Locale.ROOT,
                "%s %.3g → %.3g, PSI %.2f",
                ModelFindings.inputOf(m.feature),
                m.baselineMean,
                m.currentMean,
                m.psi);
    }
}
