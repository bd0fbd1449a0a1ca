package io.waferflow.features;

import io.waferflow.drift.Distribution;
import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-wafer stage after the window: turns fired window summaries into feature rows, and decides what goes where.
 *
 * <ul>
 *   <li><b>Neighbour yield</b> needs the whole wafer's die map, not only the window's dies: it keeps the latest test of
 *       every die tested so far (8 bytes per die) and merges each fired window's dies into it.
 *   <li><b>Online</b> (main output): every firing, on time or late, unless a newer window of the wafer was already
 *       emitted, so a late re-firing of an older window never overwrites newer values in Redis.
 *   <li><b>Offline</b> ({@link #OFFLINE}): one final row per (wafer, window), emitted when the watermark passes the
 *       window end plus allowed lateness, so the Parquet store has exactly one row per window, late updates included.
 * </ul>
 *
 * <p>State (keyed by wafer): die map, newest online window end, rows awaiting finalization, quiet deadline. All of it
 * is cleared by an event-time timer once no window of the wafer has fired for {@code quietTimeout}, so state stays
 * bounded by the wafers in flight. Exactly-once through Flink checkpoints.
 */
public class WaferFeatureFinalizer extends KeyedProcessFunction<String, WaferWindowSummary, WaferFeatures>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<WaferFeatures> OFFLINE = new OutputTag<>("offline-rows") {};
    /** Per parameter, the values of each final wafer window that tiles time: the drift detector's input. */
    public static final OutputTag<WaferParameterWindow> DISTRIBUTIONS =
            new OutputTag<>("final-window-distributions") {};

    private final long allowedLatenessMs;
    private final long quietTimeoutMs;
    private final boolean mergingWindows;
    /** Parameter names, when distributions go to drift detection; null otherwise. */
    private final List<String> parameterNames;
    /** Only windows starting at a multiple of this feed drift (sliding windows: the size); 0 for all. */
    private final long driftTileMs;

    private transient MapState<Integer, Long> dieMap;
    private transient ValueState<Long> newestOnlineEnd;
    private transient MapState<Long, WaferFeatures> pending;
    private transient ValueState<Long> quietDeadline;
    private transient MapState<Long, Distribution[]> pendingDistributions;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter onlineRows = counters.add(PipelineCounter.ONLINE_ROWS);
    private final PipelineCounter staleSkipped = counters.add(PipelineCounter.ONLINE_STALE_SKIPPED);
    private final PipelineCounter offlineRows = counters.add(PipelineCounter.OFFLINE_ROWS);
    private final PipelineCounter lateUpdates = counters.add(PipelineCounter.LATE_WINDOW_UPDATES);
    private final PipelineCounter expired = counters.add(PipelineCounter.WAFERS_EXPIRED);

    public WaferFeatureFinalizer(long allowedLatenessMs, long quietTimeoutMs, boolean mergingWindows) {
        this(allowedLatenessMs, quietTimeoutMs, mergingWindows, null, 0);
    }

    /**
     * Also emits, on {@link #DISTRIBUTIONS}, each final window's per-parameter distributions (from summaries made by
     * {@link WaferWindowAggregator#withDistributions()}). With sliding windows only those starting at a multiple of
     * {@code driftTileMs} (the size) are emitted: they tile time, so no value counts twice in drift.
     */
    public WaferFeatureFinalizer(
            long allowedLatenessMs,
            long quietTimeoutMs,
            boolean mergingWindows,
            List<String> parameterNames,
            long driftTileMs) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.quietTimeoutMs = quietTimeoutMs;
        this.mergingWindows = mergingWindows;
        this.parameterNames = parameterNames == null ? null : List.copyOf(parameterNames);
        this.driftTileMs = driftTileMs;
    }

    /** Die → latest test stamp ({@link DieKeys}). Shared with savepoint tools. */
    public static MapStateDescriptor<Integer, Long> dieMapDescriptor() {
        return new MapStateDescriptor<>("die-map", Types.INT, Types.LONG);
    }

    public static ValueStateDescriptor<Long> newestOnlineEndDescriptor() {
        return new ValueStateDescriptor<>("newest-online-window-end", Types.LONG);
    }

    /** Window start → latest result of that window, until it is final. */
    public static MapStateDescriptor<Long, WaferFeatures> pendingDescriptor() {
        return new MapStateDescriptor<>("pending-offline-rows", Types.LONG, TypeInformation.of(WaferFeatures.class));
    }

    /** Window start → per-parameter distributions of its latest result, until it is final. */
    public static MapStateDescriptor<Long, Distribution[]> pendingDistributionsDescriptor() {
        return new MapStateDescriptor<>("pending-distributions", Types.LONG, TypeInformation.of(Distribution[].class));
    }

    public static ValueStateDescriptor<Long> quietDeadlineDescriptor() {
        return new ValueStateDescriptor<>("quiet-deadline", Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) {
        dieMap = getRuntimeContext().getMapState(dieMapDescriptor());
        newestOnlineEnd = getRuntimeContext().getState(newestOnlineEndDescriptor());
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        quietDeadline = getRuntimeContext().getState(quietDeadlineDescriptor());
        pendingDistributions = getRuntimeContext().getMapState(pendingDistributionsDescriptor());
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(WaferWindowSummary s, Context ctx, Collector<WaferFeatures> out) throws Exception {
        int[] windowDies = mergeIntoDieMap(s);
        WaferFeatures f = s.features;
        f.neighborYieldAvg = NeighborYield.average(windowDies, windowDies.length, dieMap::get);
        f.revision = previousRevision(f) + 1;
        if (f.revision > 0) {
            lateUpdates.inc();
        }
        pending.put(f.windowStart, f);
        if (parameterNames != null && s.distributions != null && tilesTime(f)) {
            pendingDistributions.put(f.windowStart, s.distributions);
        }
        ctx.timerService().registerEventTimeTimer(finalTime(f));

        Long newest = newestOnlineEnd.value();
        if (newest == null || f.windowEnd >= newest) {
            newestOnlineEnd.update(f.windowEnd);
            onlineRows.inc();
            out.collect(f);
        } else {
            staleSkipped.inc();
        }
        extendQuietDeadline(ctx, f.windowEnd - 1 + quietTimeoutMs);
    }

    /** Merges the window's tests into the die map (latest test wins) and returns the window's distinct dies. */
    private int[] mergeIntoDieMap(WaferWindowSummary s) throws Exception {
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < s.dieKeys.length; i++) {
            Long known = dieMap.get(s.dieKeys[i]);
            if (known == null || s.dieStamps[i] > known) {
                dieMap.put(s.dieKeys[i], s.dieStamps[i]);
            }
            distinct.add(s.dieKeys[i]);
        }
        int[] dies = new int[distinct.size()];
        int i = 0;
        for (int d : distinct) {
            dies[i++] = d;
        }
        return dies;
    }

    /** The revision of this window emitted before (−1 if none); session merges replace the sessions they contain. */
    private int previousRevision(WaferFeatures f) throws Exception {
        if (!mergingWindows) {
            WaferFeatures previous = pending.get(f.windowStart);
            return previous == null ? -1 : previous.revision;
        }
        int revision = -1;
        List<Long> absorbed = new ArrayList<>();
        for (Map.Entry<Long, WaferFeatures> e : pending.entries()) {
            WaferFeatures p = e.getValue();
            // A real merge contains every session it absorbed. A session that merely overlaps was already final
            // in the window operator (a late record can open a new session next to it) and must still be written.
            if (p.windowStart >= f.windowStart && p.windowEnd <= f.windowEnd) {
                revision = Math.max(revision, p.revision);
                absorbed.add(e.getKey());
            }
        }
        for (Long start : absorbed) {
            pending.remove(start);
            pendingDistributions.remove(start);
        }
        return revision;
    }

    private long finalTime(WaferFeatures f) {
        return f.windowEnd - 1 + allowedLatenessMs;
    }

    private void extendQuietDeadline(Context ctx, long deadline) throws Exception {
        Long current = quietDeadline.value();
        if (current == null || deadline > current) {
            // The old deadline's timer stays: Flink keeps one timer per timestamp, so deleting it could delete a
            // window's finalization timer at the same time. onTimer ignores deadlines that moved on.
            ctx.timerService().registerEventTimeTimer(deadline);
            quietDeadline.update(deadline);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WaferFeatures> out) throws Exception {
        Long deadline = quietDeadline.value();
        boolean waferQuiet = deadline != null && timestamp >= deadline;
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, WaferFeatures> e : pending.entries()) {
            if (waferQuiet || finalTime(e.getValue()) <= timestamp) {
                ctx.output(OFFLINE, e.getValue());
                offlineRows.inc();
                emitDistributions(ctx, e.getValue());
                done.add(e.getKey());
            }
        }
        for (Long start : done) {
            pending.remove(start);
            pendingDistributions.remove(start);
        }
        if (waferQuiet) {
            dieMap.clear();
            newestOnlineEnd.clear();
            pending.clear();
            pendingDistributions.clear();
            quietDeadline.clear();
            expired.inc();
        }
    }

    private boolean tilesTime(WaferFeatures f) {
        return driftTileMs == 0 || Math.floorMod(f.windowStart, driftTileMs) == 0;
    }

    private void emitDistributions(OnTimerContext ctx, WaferFeatures f) throws Exception {
        Distribution[] distributions = pendingDistributions.get(f.windowStart);
        if (distributions == null) {
            return;
        }
        for (int i = 0; i < distributions.length; i++) {
            WaferParameterWindow w = new WaferParameterWindow();
            w.feature = parameterNames.get(i);
            w.waferId = f.waferId;
            w.lotId = f.lotId;
            w.windowStart = f.windowStart;
            w.windowEnd = f.windowEnd;
            w.deviceCount = f.deviceCount;
            w.distribution = distributions[i];
            ctx.output(DISTRIBUTIONS, w);
        }
    }
}
