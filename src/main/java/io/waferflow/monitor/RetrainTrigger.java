package io.waferflow.monitor;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.model.RetrainEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A retrain request when a model alert (degradation or concept drift; keyed by alert key) has been firing for
 * {@code retrainAfterMs} of event time: a timer at its first-seen + retrain_after, set by the episode's firing
 * notification and deleted by its resolution; one request per episode (the episode id makes the event id).
 *
 * <p>State: the watched episode, from its firing notification until its resolution. The end of a bounded input fires
 * every timer; that is no evidence that the condition lasted, so nothing is sent then (as in the alert policy).
 */
public class RetrainTrigger extends KeyedProcessFunction<String, Alert, RetrainEvent> {

    private static final long serialVersionUID = 1L;

    private final long retrainAfterMs;

    private transient ValueState<RetrainWatch> watch;

    public RetrainTrigger(long retrainAfterMs) {
        this.retrainAfterMs = retrainAfterMs;
    }

    public static ValueStateDescriptor<RetrainWatch> watchDescriptor() {
        return new ValueStateDescriptor<>("retrain-watch", TypeInformation.of(RetrainWatch.class));
    }

    @Override
    public void open(OpenContext openContext) {
        watch = getRuntimeContext().getState(watchDescriptor());
    }

    @Override
    public void processElement(Alert a, Context ctx, Collector<RetrainEvent> out) throws Exception {
        RetrainWatch w = watch.value();
        boolean same = w != null && w.alertId.equals(a.alertId);
        if (a.status == AlertStatus.RESOLVED) {
            if (same) {
                if (!w.sent) {
                    ctx.timerService().deleteEventTimeTimer(w.due);
                }
                watch.clear();
            }
            return;
        }
        if (same) {
            w.alert = a; // an escalation of the same episode: newer context, same deadline
        } else {
            if (w != null && !w.sent) {
                ctx.timerService().deleteEventTimeTimer(w.due);
            }
            w = new RetrainWatch();
            w.alertId = a.alertId;
            w.due = a.firstSeen + retrainAfterMs;
            w.alert = a;
            ctx.timerService().registerEventTimeTimer(w.due);
        }
        watch.update(w);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RetrainEvent> out) throws Exception {
        RetrainWatch w = watch.value();
        if (w == null || w.sent || timestamp != w.due || ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        w.sent = true;
        watch.update(w);
        out.collect(request(w.alert, timestamp));
    }

    static RetrainEvent request(Alert a, long at) {
        String modelKey = a.subject;
        int slash = modelKey.lastIndexOf('/');
        RetrainEvent e = new RetrainEvent();
        e.model = slash < 0 ? modelKey : modelKey.substring(0, slash);
        e.modelVersion = slash < 0 ? "" : modelKey.substring(slash + 1);
        e.eventId = modelKey + "/" + a.firstSeen;
        e.reason = a.type;
        e.since = a.firstSeen;
        e.at = at;
        e.message = a.message;
        e.driftedFeatures = a.features == null ? "" : a.features;
        return e;
    }
}
