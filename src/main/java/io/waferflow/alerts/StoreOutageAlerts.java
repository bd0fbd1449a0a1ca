package io.waferflow.alerts;

import io.waferflow.model.StoreStatus;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The SPEC's P0 "the pipeline cannot serve" for a store its writers cannot reach: fires on the first report that the
 * store is down, resolves on the first report that it answers again. Runs on processing time, as outages do: the
 * event-time alert policy would hold the alert until the watermark moved on, which it need not while the store is away.
 * The latest report wins: the writers share one store, and each reports its first write after a (re)start, so a
 * restored "down" is resolved by the first writer that finds the store back. Keyed by store.
 *
 * <p>State: per store, since when it is down; empty while it answers.
 */
public class StoreOutageAlerts extends KeyedProcessFunction<String, StoreStatus, Alert> {

    private static final long serialVersionUID = 1L;

    public static final String TYPE = "online_store_down";

    private transient ValueState<Long> downSince;

    @Override
    public void open(OpenContext openContext) {
        downSince = getRuntimeContext().getState(new ValueStateDescriptor<>("down-since", Types.LONG));
    }

    @Override
    public void processElement(StoreStatus s, Context ctx, Collector<Alert> out) throws Exception {
        Long since = downSince.value();
        if (!s.up && since == null) {
            downSince.update(s.downSince);
            out.collect(alert(s, AlertStatus.FIRING, s.downSince));
        } else if (s.up && since != null) {
            downSince.clear();
            out.collect(alert(s, AlertStatus.RESOLVED, since));
        }
    }

    private static Alert alert(StoreStatus s, AlertStatus status, long firstSeen) {
        Alert a = new Alert();
        a.key = "pipeline:" + s.store + "_store_down";
        a.type = TYPE;
        a.subject = s.store + " store";
        a.severity = AlertSeverity.P0;
        a.status = status;
        a.firstSeen = firstSeen;
        a.lastSeen = s.at;
        a.occurrences = 1;
        a.windowStart = firstSeen;
        a.windowEnd = s.at;
        a.alertId = a.key + "@" + firstSeen;
        a.notificationId = a.alertId + (status == AlertStatus.FIRING ? "#1" : "#2");
        if (status == AlertStatus.FIRING) {
            a.title = "The " + s.store + " store does not answer: Redis at " + s.address;
            a.message = "Redis at " + s.address + " has not answered since " + Instant.ofEpochMilli(firstSeen) + " ("
                    + s.reason + "). Online features go stale; new rows wait in the job's state and are written when"
                    + " Redis is back. The offline store, the topics and alerting go on.";
        } else {
            a.title = "Resolved: the " + s.store + " store answers again: Redis at " + s.address;
            a.message = "Redis at " + s.address + " answers again after "
                    + Duration.ofMillis(s.at - firstSeen).toSeconds() + " s; the rows that waited are being written.";
        }
        return AlertGuidance.apply(a);
    }
}
