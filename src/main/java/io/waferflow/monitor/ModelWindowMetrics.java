package io.waferflow.monitor;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * A model version's quality per tumbling, epoch-aligned event-time window of {@code windowMs}, by the predictions'
 * time, keyed by {@code model/version}. Input: the {@link PredictionJoin}'s emissions (a prediction, later the same one
 * labeled).
 *
 * <p>State: one {@link ModelWindowAccumulator} (counts and sums) per window in a map by window start. A window is
 * emitted as revision 0 when the watermark passes its end; after that, predictions or actuals that still arrive for it
 * mark it changed, and it is emitted again as the next revision when the watermark passes the next point of the
 * {@code updateIntervalMs} grid (an event-time timer, which Flink keeps once per key and time): within seconds while
 * input flows, at most once per interval of event time, and the same revisions in a replay or a backfill as live, which
 * a processing-time timer would not give (a bounded replay ends before one fires). When the watermark passes its end
 * plus {@code labelMaxDelayMs}, a changed window is emitted a last time and its state dropped; an emission that arrives
 * for a dropped window is counted in {@code model_metrics_too_old}. At-least-once per revision after a failover (a
 * replayed revision carries the same numbers); sinks keep the highest revision.
 */
public class ModelWindowMetrics extends KeyedProcessFunction<String, LabeledPrediction, ModelMetrics>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    private final long windowMs;
    private final long labelMaxDelayMs;
    private final long updateIntervalMs;

    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter emitted = counters.add(PipelineCounter.MODEL_METRICS);
    private final PipelineCounter tooOld = counters.add(PipelineCounter.MODEL_METRICS_TOO_OLD);

    private transient MapState<Long, ModelWindowAccumulator> windows;
    private transient ModelGauges gauges;

    public ModelWindowMetrics(long windowMs, long labelMaxDelayMs, long updateIntervalMs) {
        if (windowMs <= 0 || labelMaxDelayMs < windowMs || updateIntervalMs <= 0) {
            throw new IllegalArgumentException("need window > 0, label_max_delay >= window and update_interval > 0");
        }
        this.windowMs = windowMs;
        this.labelMaxDelayMs = labelMaxDelayMs;
        this.updateIntervalMs = updateIntervalMs;
    }

    public static MapStateDescriptor<Long, ModelWindowAccumulator> windowsDescriptor() {
        return new MapStateDescriptor<>("model-windows", Types.LONG, TypeInformation.of(ModelWindowAccumulator.class));
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext().getMapState(windowsDescriptor());
        gauges = new ModelGauges(getRuntimeContext().getMetricGroup());
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(LabeledPrediction lp, Context ctx, Collector<ModelMetrics> out) throws Exception {
        long start = TimeWindow.getWindowStartWithOffset(lp.prediction.eventTime, 0, windowMs);
        long end = start + windowMs;
        if (dropAt(end) <= ctx.timerService().currentWatermark()) {
            tooOld.inc();
            return;
        }
        ModelWindowAccumulator acc = windows.get(start);
        if (acc == null) {
            acc = ModelWindowAccumulator.of(lp.prediction, start, end);
            ctx.timerService().registerEventTimeTimer(end - 1);
            ctx.timerService().registerEventTimeTimer(dropAt(end));
        }
        acc.add(lp);
        windows.put(start, acc);
        if (acc.changed) {
            long watermark = Math.max(0, ctx.timerService().currentWatermark());
            ctx.timerService().registerEventTimeTimer((watermark / updateIntervalMs + 1) * updateIntervalMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelMetrics> out) throws Exception {
        // Timers of different windows can share a time (an end and another window's drop), so each firing looks at
        // every window of the key.
        List<Map.Entry<Long, ModelWindowAccumulator>> all = new ArrayList<>();
        windows.entries().forEach(all::add);
        for (Map.Entry<Long, ModelWindowAccumulator> e : all) {
            ModelWindowAccumulator acc = e.getValue();
            boolean due = acc.revision < 0 ? acc.windowEnd - 1 <= timestamp : acc.changed;
            boolean drop = dropAt(acc.windowEnd) <= timestamp;
            if (due || (drop && acc.changed)) {
                emit(acc, out);
            }
            if (drop) {
                windows.remove(e.getKey());
            } else if (due) {
                windows.put(e.getKey(), acc);
            }
        }
    }

    private void emit(ModelWindowAccumulator acc, Collector<ModelMetrics> out) {
        acc.revision++;
        acc.changed = false;
        ModelMetrics m = acc.toMetrics(acc.revision);
        emitted.inc();
        gauges.update(m);
        out.collect(m);
    }

    /** When a window's state goes: its end plus the longest an actual may take. */
    private long dropAt(long windowEnd) {
        return windowEnd - 1 + labelMaxDelayMs;
    }
}
