package io.waferflow.monitor;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.MonitorJson;
import io.waferflow.model.Prediction;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins predictions with their actuals by prediction id, whichever comes first. A prediction is emitted at once
 * ({@code actual} null: it counts in its window's predictions) and again when its actual is joined, however late.
 *
 * <p>State per prediction id: which of the two have been seen, and the prediction waiting for its actual or the actual
 * waiting for its prediction. All of it is cleared by one event-time timer at the first arrival's event time plus
 * {@code labelMaxDelay}: a prediction still waiting then is counted ({@code predictions_unlabeled}), an actual still
 * waiting is an {@code orphan} violation. A second prediction or actual of an id within that time is a
 * {@code duplicate} violation (the first one stays); after it, the id is unknown again. An actual of the other task (a
 * number for a class, or a class for a number) is a {@code type} violation and the prediction keeps waiting. Violations
 * carry the record as an input message, quarantined for replay, and go to {@link #VIOLATIONS}.
 */
public class PredictionJoin extends KeyedCoProcessFunction<String, Prediction, Actual, LabeledPrediction>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> VIOLATIONS = new OutputTag<>("prediction-join-violations") {};

    private static final int PREDICTION_SEEN = 1;
    private static final int ACTUAL_SEEN = 2;

    /** Before the names of the join's quarantine counters: {@code join_records_quarantined}, ... */
    public static final String JOIN_PREFIX = "join_";

    private final long labelMaxDelayMs;

    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter labeled = counters.add(PipelineCounter.PREDICTIONS_LABELED);
    private final PipelineCounter unlabeled = counters.add(PipelineCounter.PREDICTIONS_UNLABELED);
    private final PipelineCounter orphaned = counters.add(PipelineCounter.ACTUALS_ORPHANED);
    // The join's quarantine under its own names (JOIN_PREFIX): the routing before it counts parse failures per topic.
    private final PipelineCounter quarantined = counters.add(JOIN_PREFIX + PipelineCounter.RECORDS_QUARANTINED);
    private final PipelineCounter highViolations =
            counters.add(JOIN_PREFIX + PipelineCounter.violationsOfSeverity(Severity.HIGH.name()));
    private final PipelineCounter duplicateViolations =
            counters.add(JOIN_PREFIX + PipelineCounter.violationsOfRule(Violation.RULE_DUPLICATE));
    private final PipelineCounter orphanViolations =
            counters.add(JOIN_PREFIX + PipelineCounter.violationsOfRule(Violation.RULE_ORPHAN));
    private final PipelineCounter typeViolations =
            counters.add(JOIN_PREFIX + PipelineCounter.violationsOfRule(Violation.RULE_TYPE));

    private transient ValueState<Integer> seen;
    private transient ValueState<Prediction> waitingPrediction;
    private transient ValueState<Actual> waitingActual;
    private transient ValueState<Long> expiry;

    public PredictionJoin(long labelMaxDelayMs) {
        this.labelMaxDelayMs = labelMaxDelayMs;
    }

    public static ValueStateDescriptor<Integer> seenDescriptor() {
        return new ValueStateDescriptor<>("seen", Types.INT);
    }

    public static ValueStateDescriptor<Prediction> predictionDescriptor() {
        return new ValueStateDescriptor<>("waiting-prediction", TypeInformation.of(Prediction.class));
    }

    public static ValueStateDescriptor<Actual> actualDescriptor() {
        return new ValueStateDescriptor<>("waiting-actual", TypeInformation.of(Actual.class));
    }

    public static ValueStateDescriptor<Long> expiryDescriptor() {
        return new ValueStateDescriptor<>("expiry", Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(seenDescriptor());
        waitingPrediction = getRuntimeContext().getState(predictionDescriptor());
        waitingActual = getRuntimeContext().getState(actualDescriptor());
        expiry = getRuntimeContext().getState(expiryDescriptor());
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<LabeledPrediction> out) throws Exception {
        int flags = flags();
        if ((flags & PREDICTION_SEEN) != 0) {
            reject(
                    ctx,
                    duplicateViolations,
                    duplicate(p.predictionId, MonitorJson.toJson(p), p.eventTime, p.observedAt),
                    p.entity);
            return;
        }
        expireAfter(ctx, p.eventTime);
        out.collect(new LabeledPrediction(p, null));
        Actual a = waitingActual.value();
        waitingActual.clear();
        if (a != null && sameTask(p, a)) {
            seen.update(flags | PREDICTION_SEEN);
            join(p, a, out);
            return;
        }
        if (a != null) {
            // The actual came first, so its task could not be checked on arrival; a corrected one may still come.
            reject(ctx, typeViolations, wrongTask(p, a), p.entity);
            flags &= ~ACTUAL_SEEN;
        }
        seen.update(flags | PREDICTION_SEEN);
        waitingPrediction.update(p);
    }

    @Override
    public void processElement2(Actual a, Context ctx, Collector<LabeledPrediction> out) throws Exception {
        int flags = flags();
        if ((flags & ACTUAL_SEEN) != 0) {
            reject(
                    ctx,
                    duplicateViolations,
                    duplicate(a.predictionId, MonitorJson.toJson(a), a.eventTime, a.observedAt),
                    null);
            return;
        }
        Prediction p = waitingPrediction.value();
        if (p != null && !sameTask(p, a)) {
            reject(ctx, typeViolations, wrongTask(p, a), p.entity);
            return;
        }
        seen.update(flags | ACTUAL_SEEN);
        expireAfter(ctx, a.eventTime);
        if (p == null) {
            waitingActual.update(a);
        } else {
            waitingPrediction.clear();
            join(p, a, out);
        }
    }

    private static boolean sameTask(Prediction p, Actual a) {
        return p.isClassification() == (a.actualClass != null);
    }

    private void join(Prediction p, Actual a, Collector<LabeledPrediction> out) {
        labeled.inc();
        out.collect(new LabeledPrediction(p, a));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabeledPrediction> out) throws Exception {
        if (waitingPrediction.value() != null) {
            unlabeled.inc();
        }
        Actual a = waitingActual.value();
        if (a != null) {
            orphaned.inc();
            Violation v = Violation.quarantining(
                    Violation.RULE_ORPHAN,
                    MonitorJson.PREDICTION_ID,
                    a.predictionId,
                    "its prediction within monitor.label_max_delay (" + labelMaxDelayMs + " ms)",
                    Severity.HIGH,
                    a.eventTime,
                    a.observedAt,
                    MonitorJson.toJson(a));
            reject(ctx, orphanViolations, v, null);
        }
        seen.clear();
        waitingPrediction.clear();
        waitingActual.clear();
        expiry.clear();
    }

    /** The first arrival of an id sets when its state goes: its event time plus the delay. */
    private void expireAfter(Context ctx, long eventTime) throws Exception {
        if (expiry.value() == null) {
            long at = eventTime > Long.MAX_VALUE - labelMaxDelayMs ? Long.MAX_VALUE : eventTime + labelMaxDelayMs;
            expiry.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    private int flags() throws Exception {
        Integer f = seen.value();
        return f == null ? 0 : f;
    }

    private void reject(Context ctx, PipelineCounter rule, Violation v, String entity) {
        v.deviceId = v.deviceId == null ? ctx.getCurrentKey() : v.deviceId;
        v.waferId = entity;
        quarantined.inc();
        highViolations.inc();
        rule.inc();
        ctx.output(VIOLATIONS, v);
    }

    private static Violation duplicate(String predictionId, byte[] payload, long eventTime, long observedAt) {
        return Violation.quarantining(
                Violation.RULE_DUPLICATE,
                MonitorJson.PREDICTION_ID,
                predictionId,
                "one per prediction id within monitor.label_max_delay",
                Severity.HIGH,
                eventTime,
                observedAt,
                payload);
    }

    private static Violation wrongTask(Prediction p, Actual a) {
        return Violation.quarantining(
                Violation.RULE_TYPE,
                MonitorJson.ACTUAL,
                a.actualClass != null ? a.actualClass : Double.toString(a.actualValue),
                p.isClassification() ? "a class, as the prediction" : "a number, as the prediction",
                Severity.HIGH,
                a.eventTime,
                a.observedAt,
                MonitorJson.toJson(a));
    }
}
