package io.waferflow.monitor;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import io.waferflow.model.WaferParameterWindow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per model version (keyed by {@link Prediction#modelKey()}) and tumbling, epoch-aligned monitor window (by the
 * prediction's event time): the distribution of what the model predicted and of each of its inputs, in the form the
 * drift detector consumes. Only a prediction's first emission counts ({@code actual == null}): the second one, when its
 * actual is joined, carries the same values.
 *
 * <p>The predicted value is a classification's score (the probability of the predicted class) or a regression's value.
 * A classification without a score is counted ({@link #WITHOUT_VALUE}) and adds nothing to the prediction column: class
 * labels have no order, so a numeric encoding would make KS and PSI depend on an arbitrary numbering. Its inputs still
 * count.
 *
 * <p>State: open windows (window end → {@link PredictionWindowAccumulator}), each with an event-time timer at its end.
 * When the watermark passes the end, the window emits one {@link WaferParameterWindow} per column that has values
 * ({@code deviceCount} = the predictions): {@code <model key>:<input>} on the main output, {@code <model
 * key>:prediction} on {@link #PREDICTIONS} (concept drift may judge it against another reference); then it is removed,
 * so no state outlives its window. A prediction whose window was already emitted (later than the source's
 * out-of-orderness allows) is counted ({@link #LATE}) and dropped. Exactly once with checkpoints.
 */
public class PredictionWindowAggregator extends KeyedProcessFunction<String, LabeledPrediction, WaferParameterWindow>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<WaferParameterWindow> PREDICTIONS =
            new OutputTag<>("monitor-drift-prediction-windows") {};

    public static final String LATE = "monitor_drift_late_predictions";
    public static final String WITHOUT_VALUE = "monitor_drift_predictions_without_value";
    /** Inputs named {@value PredictionWindowAccumulator#PREDICTION}: their feature would be the concept-drift one. */
    public static final String INPUTS_SKIPPED = "monitor_drift_inputs_skipped";

    private final long windowMs;
    private final int sketchK;

    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter late = counters.add(LATE);
    private final PipelineCounter withoutValue = counters.add(WITHOUT_VALUE);
    private final PipelineCounter inputsSkipped = counters.add(INPUTS_SKIPPED);

    private transient MapState<Long, PredictionWindowAccumulator> open;

    public PredictionWindowAggregator(long windowMs, int sketchK) {
        this.windowMs = windowMs;
        this.sketchK = sketchK;
    }

    /** Window end → the window's running distributions. */
    public static MapStateDescriptor<Long, PredictionWindowAccumulator> openWindowsDescriptor() {
        return new MapStateDescriptor<>(
                "monitor-drift-open-windows", Types.LONG, TypeInformation.of(PredictionWindowAccumulator.class));
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void open(OpenContext openContext) {
        open = getRuntimeContext().getMapState(openWindowsDescriptor());
    }

    @Override
    public void processElement(LabeledPrediction lp, Context ctx, Collector<WaferParameterWindow> out)
            throws Exception {
        if (lp.actual != null) {
            return;
        }
        Prediction p = lp.prediction;
        long end = TimeWindow.getWindowStartWithOffset(p.eventTime, 0, windowMs) + windowMs;
        if (end - 1 <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        PredictionWindowAccumulator acc = open.get(end);
        if (acc == null) {
            acc = PredictionWindowAccumulator.create(sketchK);
            ctx.timerService().registerEventTimeTimer(end - 1);
        }
        acc.predictions++;
        double predicted = p.isClassification() ? p.score : p.value;
        if (Double.isNaN(predicted)) {
            withoutValue.inc();
        }
        acc.add(0, predicted);
        for (int i = 0; i < p.featureNames.length; i++) {
            if (PredictionWindowAccumulator.PREDICTION.equals(p.featureNames[i])) {
                inputsSkipped.inc();
                continue;
            }
            acc.add(acc.inputColumn(p.featureNames[i], i + 1), p.featureValues[i]);
        }
        open.put(end, acc);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WaferParameterWindow> out) throws Exception {
        long end = timestamp + 1;
        PredictionWindowAccumulator acc = open.get(end);
        if (acc == null) {
            return;
        }
        open.remove(end);
        for (int c = 0; c < acc.names.length; c++) {
            if (acc.count[c] == 0) {
                continue;
            }
            WaferParameterWindow w = new WaferParameterWindow();
            w.feature = ctx.getCurrentKey() + ":" + acc.names[c];
            w.windowStart = end - windowMs;
            w.windowEnd = end;
            w.deviceCount = acc.predictions;
            w.distribution = acc.distribution(c);
            if (c == 0) {
                ctx.output(PREDICTIONS, w);
            } else {
                out.collect(w);
            }
        }
    }
}
