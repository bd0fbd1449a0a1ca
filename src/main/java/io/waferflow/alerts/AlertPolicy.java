package io.waferflow.alerts;

import io.waferflow.config.AlertPolicySpec;
import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * When a condition becomes an alert (SPEC 5), per alert key, in event time:
 *
 * <ul>
 *   <li><b>Sustained:</b> fires when the condition held in N of the last M windows (window ends within M windows of the
 *       newest).
 *   <li><b>Deduplicated:</b> while firing, further windows only update occurrences and last-seen; nothing is sent.
 *   <li><b>Resolved:</b> after K windows without the condition, either observed clear or not observed at all (a wafer
 *       window without a finding produces no observation): a timer at last-held window end + K windows + the grace in
 *       which observations can still arrive.
 *   <li><b>Cooldown:</b> no new episode within the cooldown after a resolution (flapping conditions stay quiet).
 *   <li><b>Escalation:</b> a P2 still firing {@code escalate_after} past its first window is sent again as P1.
 * </ul>
 *
 * Observations are judged in event-time order: each waits until the watermark passes its timestamp (no added latency in
 * practice: the watermark follows right behind). A later observation of a key's window replaces the earlier one (model
 * windows are revised by late actuals): a window observed clear after it held no longer counts toward firing. State is
 * one {@link AlertEpisode} per key, cleared once a key is neither firing, nor in cooldown, nor holding recent windows,
 * so per-wafer keys do not accumulate.
 */
public class AlertPolicy extends KeyedProcessFunction<String, AlertSignal, Alert> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    private final Map<String, AlertPolicySpec> policies;

    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter fired = counters.add(PipelineCounter.ALERTS_FIRED);
    private final PipelineCounter resolved = counters.add(PipelineCounter.ALERTS_RESOLVED);
    private final PipelineCounter escalations = counters.add(PipelineCounter.ALERTS_ESCALATED);
    private final PipelineCounter suppressed = counters.add(PipelineCounter.ALERTS_SUPPRESSED);

    private transient ValueState<AlertEpisode> episode;
    private transient MapState<Long, List<AlertSignal>> pending;
    /** Copies an episode's context into each notification: Flink's own POJO copy, no hand-written field list. */
    private transient TypeSerializer<Alert> alerts;

    public AlertPolicy(Map<String, AlertPolicySpec> policies) {
        this.policies = Map.copyOf(policies);
    }

    public static ValueStateDescriptor<AlertEpisode> episodeDescriptor() {
        return new ValueStateDescriptor<>("alert-episode", TypeInformation.of(AlertEpisode.class));
    }

    /** Observations by stream timestamp, until the watermark passes it. */
    public static MapStateDescriptor<Long, List<AlertSignal>> pendingDescriptor() {
        return new MapStateDescriptor<>(
                "pending-alert-signals", Types.LONG, Types.LIST(TypeInformation.of(AlertSignal.class)));
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void open(OpenContext openContext) {
        episode = getRuntimeContext().getState(episodeDescriptor());
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        alerts = getRuntimeContext().createSerializer(TypeInformation.of(Alert.class));
    }

    @Override
    public void processElement(AlertSignal s, Context ctx, Collector<Alert> out) throws Exception {
        // Observations of one key can arrive out of order (windows judged on different upstream subtasks during a
        // backlog): hold each until the watermark passes its time, then judge them in order.
        long at = ctx.timestamp() == null ? s.windowEnd : ctx.timestamp();
        List<AlertSignal> due = pending.get(at);
        List<AlertSignal> more = due == null ? new ArrayList<>() : new ArrayList<>(due);
        more.add(s);
        pending.put(at, more);
        ctx.timerService().registerEventTimeTimer(at);
    }

    /** Judges one observation; observations reach here in event-time order. */
    private void observe(AlertSignal s, long now, Context ctx, Collector<Alert> out) throws Exception {
        AlertPolicySpec p = policy(s.policy);
        AlertEpisode e = episode.value();
        if (e == null) {
            if (!s.active) {
                return; // nothing held, nothing to remember
            }
            e = new AlertEpisode();
        }
        e.policy = s.policy;
        long w = s.windowEnd;
        e.activeWindows = recent(e.activeWindows, w, p);
        boolean heldBefore = Arrays.stream(e.activeWindows).anyMatch(x -> x == w);
        if (s.active) {
            e.context = s.context;
            if (!heldBefore) {
                e.activeWindows = append(e.activeWindows, w);
            }
            e.lastActiveEnd = Math.max(e.lastActiveEnd, w);
            if (e.firing) {
                if (!heldBefore) {
                    e.occurrences++; // a window observed again (a revision) is still one occurrence
                }
                e.lastSeen = Math.max(e.lastSeen, w);
            } else if (mostInAnySpan(e.activeWindows, p) >= p.fireN) {
                if (w < e.cooldownUntil) {
                    suppressed.inc();
                } else {
                    fire(e, s, p, ctx, out);
                }
            }
            ctx.timerService().registerEventTimeTimer(resolveAt(e, p));
        } else if (heldBefore) {
            withdraw(e, w, p, ctx);
        } else if (e.firing && w >= e.lastActiveEnd + p.resolveK * p.windowMs) {
            resolve(e, s.windowStart, w, p, ctx, out); // K windows observed clear
        }
        keepOrForget(e, p, now, ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<AlertSignal> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            List<AlertSignal> ordered = new ArrayList<>(due);
            ordered.sort(Comparator.comparingLong(x -> x.windowEnd));
            for (AlertSignal s : ordered) {
                observe(s, timestamp, ctx, out);
            }
        }
        AlertEpisode e = episode.value();
        if (e == null || ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // The end of a bounded input (a backfill, a test) fires every timer: that is no evidence that a
            // condition cleared or persisted, so nothing is sent.
            return;
        }
        AlertPolicySpec p = policy(e.policy);
        if (e.firing && timestamp >= resolveAt(e, p)) {
            resolve(e, e.lastActiveEnd, timestamp, p, ctx, out); // K windows passed without the condition
        } else if (e.firing && !e.escalated && escalates(e, p) && timestamp >= escalateAt(e, p)) {
            e.escalated = true;
            escalations.inc();
            Alert a = notification(e, AlertStatus.FIRING);
            a.severity = AlertSeverity.P1;
            a.escalated = true;
            a.title = "Escalated (firing since " + java.time.Instant.ofEpochMilli(e.firstSeen) + "): " + a.title;
            out.collect(a);
        }
        e.activeWindows = recent(e.activeWindows, timestamp - p.graceMs, p);
        keepOrForget(e, p, timestamp, ctx);
    }

    private void fire(AlertEpisode e, AlertSignal s, AlertPolicySpec p, Context ctx, Collector<Alert> out) {
        e.firing = true;
        e.escalated = false;
        e.firstSeen = Arrays.stream(e.activeWindows).min().orElse(s.windowEnd);
        e.lastSeen = s.windowEnd;
        e.occurrences = e.activeWindows.length;
        e.alertId = s.key + "@" + e.firstSeen;
        e.notifications = 0;
        fired.inc();
        out.collect(notification(e, AlertStatus.FIRING));
        if (escalates(e, p)) {
            ctx.timerService().registerEventTimeTimer(escalateAt(e, p));
        }
    }

    /** K windows after the last one in which the condition held, plus the time its observations may take. */
    private static long resolveAt(AlertEpisode e, AlertPolicySpec p) {
        return e.lastActiveEnd + p.resolveK * p.windowMs + p.graceMs;
    }

    private static boolean escalates(AlertEpisode e, AlertPolicySpec p) {
        return e.context.severity == AlertSeverity.P2 && p.escalateAfterMs > 0;
    }

    private static long escalateAt(AlertEpisode e, AlertPolicySpec p) {
        return e.firstSeen + p.escalateAfterMs + p.graceMs;
    }

    private void resolve(
            AlertEpisode e, long windowStart, long at, AlertPolicySpec p, Context ctx, Collector<Alert> out) {
        e.firing = false;
        resolved.inc();
        Alert a = notification(e, AlertStatus.RESOLVED);
        a.windowStart = windowStart;
        a.windowEnd = at;
        a.title = "Resolved: " + a.title;
        out.collect(a);
        e.activeWindows = new long[0];
        e.cooldownUntil = at + p.cooldownMs;
    }

    private Alert notification(AlertEpisode e, AlertStatus status) {
        Alert a = alerts.copy(e.context);
        a.alertId = e.alertId;
        a.notificationId = e.alertId + "#" + (++e.notifications);
        a.status = status;
        a.firstSeen = e.firstSeen;
        a.lastSeen = e.lastSeen;
        a.occurrences = e.occurrences;
        AlertGuidance.apply(a);
        return a;
    }

    /**
     * Keeps the episode while it matters, with a timer to forget it afterwards; forgets it otherwise. {@code now} is
     * the event time being processed, never the watermark, whose jumps depend on timing.
     */
    private void keepOrForget(AlertEpisode e, AlertPolicySpec p, long now, Context ctx) throws Exception {
        if (!e.firing && e.activeWindows.length == 0 && now >= e.cooldownUntil) {
            episode.clear();
            return;
        }
        episode.update(e);
        if (!e.firing) {
            long forgetAt = Math.max(
                    e.cooldownUntil,
                    e.lastActiveEnd == Long.MIN_VALUE
                            ? Long.MIN_VALUE
                            : e.lastActiveEnd + p.fireM * p.windowMs + p.graceMs);
            if (forgetAt != Long.MIN_VALUE) {
                ctx.timerService().registerEventTimeTimer(forgetAt);
            }
        }
    }

    /**
     * A later observation of a window replaces the earlier one (a model window revised by late actuals): a window that
     * held and is now observed clear no longer counts toward firing. An alert that already fired is not taken back; it
     * resolves by the usual rule, counted from the last window that still holds.
     */
    private void withdraw(AlertEpisode e, long w, AlertPolicySpec p, Context ctx) {
        e.activeWindows = Arrays.stream(e.activeWindows).filter(x -> x != w).toArray();
        if (e.firing) {
            e.occurrences = Math.max(1, e.occurrences - 1);
        }
        if (e.lastActiveEnd == w) {
            e.lastActiveEnd = Arrays.stream(e.activeWindows).max().orElse(e.firing ? w : Long.MIN_VALUE);
            if (e.firing) {
                ctx.timerService().registerEventTimeTimer(resolveAt(e, p));
            }
        }
    }

    /**
     * The most held windows within any fire_m consecutive windows: with observations in order this is simply the recent
     * windows' count; a revision of an old window must not count windows far apart together.
     */
    private static int mostInAnySpan(long[] windows, AlertPolicySpec p) {
        int most = 0;
        for (long newest : windows) {
            long oldest = newest - (long) p.fireM * p.windowMs;
            most = Math.max(most, (int) Arrays.stream(windows)
                    .filter(x -> x > oldest && x <= newest)
                    .count());
        }
        return most;
    }

    /** The window ends within the last fire_m windows up to {@code newest}. */
    private static long[] recent(long[] windows, long newest, AlertPolicySpec p) {
        long oldest = newest - (long) p.fireM * p.windowMs;
        return Arrays.stream(windows).filter(x -> x > oldest).toArray();
    }

    private static long[] append(long[] windows, long w) {
        long[] more = Arrays.copyOf(windows, windows.length + 1);
        more[windows.length] = w;
        return more;
    }

    private AlertPolicySpec policy(String name) {
        AlertPolicySpec p = policies.get(name);
        if (p == null) {
            throw new IllegalStateException("no alert policy '" + name + "' (known: " + policies.keySet() + ")");
        }
        return p;
    }
}
