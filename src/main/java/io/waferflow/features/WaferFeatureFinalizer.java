package io.waferflow.features;

import io.waferflow.drift.Distribution;
import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-wafer stage after the window: turns fired window summaries into feature rows, and decides what goes where.
 *
 * <ul>
 *   <li><b>Neighbour yield</b> needs the whole wafer's die map, not only the window's dies, as it was at the window's
 *       end: it keeps each die's {@link DieHistory} (the tests a window that can still change may ask about: usually
 *       one, 12 bytes) and merges each fired window's tests into it. A window's value depends only on tests before its
 *       end, whatever order they arrived in: when a firing brings a test before the end of a window that already fired
 *       and is not final yet, next to one of its dies, that window's value is computed again and, if it changed,
 *       emitted again as its next revision ({@code neighbour_recomputed_rows}).
 *   <li><b>Online</b> (main output): every firing, on time or late, unless a newer window of the wafer was already
 *       emitted, so a late re-firing of an older window never overwrites newer values in Redis.
 *   <li><b>Offline</b> ({@link #OFFLINE}): one final row per (wafer, window), emitted when the watermark passes the
 *       window end plus allowed lateness, so the Parquet store has exactly one row per window, late updates included.
 * </ul>
 *
 * <p>State (keyed by wafer): die histories, newest online window end, rows awaiting finalization with their dies, quiet
 * deadline; release 0.1.0's die map (latest test per die) is moved into the die histories on the wafer's next firing.
 * All of it is cleared by an event-time timer once no window of the wafer has fired for {@code quietTimeout}, so state
 * stays bounded by the wafers in flight. Exactly-once through Flink checkpoints.
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
    /** Whether summaries carry drift groups' distributions ({@code drift.group_by}), emitted like the overall ones. */
    private final boolean driftGroups;

    private transient MapState<Integer, long[]> dieHistory;
    /** Release 0.1.0's die map, restored from its savepoints: moved into {@link #dieHistory} on the first firing. */
    private transient MapState<Integer, Long> legacyDieMap;

    private transient MapState<Long, int[]> pendingDies;
    private transient ValueState<Long> newestOnlineEnd;
    private transient MapState<Long, WaferFeatures> pending;
    private transient ValueState<Long> quietDeadline;
    private transient MapState<Long, Distribution[]> pendingDistributions;
    /** Only with drift groups. */
    private transient MapState<Long, GroupDistributions[]> pendingGroupDistributions;

    /**
     * The wafer's die histories during one firing ({@link #memoKey} → history), read from state in one pass: its
     * neighbour yields look up each window die's 8 neighbours, about 3,000 lookups per window of some 400 dies, which
     * cost a hash lookup each in the heap backend's map (whose die keys crowd into few buckets, see {@link #memoKey})
     * and a get each on RocksDB. Filled and emptied within {@link #processElement}; never outlives a key.
     */
    private transient Map<Integer, long[]> firingHistories;

    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter onlineRows = counters.add(PipelineCounter.ONLINE_ROWS);
    private final PipelineCounter staleSkipped = counters.add(PipelineCounter.ONLINE_STALE_SKIPPED);
    private final PipelineCounter offlineRows = counters.add(PipelineCounter.OFFLINE_ROWS);
    private final PipelineCounter lateUpdates = counters.add(PipelineCounter.LATE_WINDOW_UPDATES);
    private final PipelineCounter expired = counters.add(PipelineCounter.WAFERS_EXPIRED);
    private final PipelineCounter recomputed = counters.add(PipelineCounter.NEIGHBOUR_RECOMPUTED_ROWS);

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
        this(allowedLatenessMs, quietTimeoutMs, mergingWindows, parameterNames, driftTileMs, false);
    }

    private WaferFeatureFinalizer(
            long allowedLatenessMs,
            long quietTimeoutMs,
            boolean mergingWindows,
            List<String> parameterNames,
            long driftTileMs,
            boolean driftGroups) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.quietTimeoutMs = quietTimeoutMs;
        this.mergingWindows = mergingWindows;
        this.parameterNames = parameterNames == null ? null : List.copyOf(parameterNames);
        this.driftTileMs = driftTileMs;
        this.driftGroups = driftGroups;
    }

    /**
     * The same, also emitting each final window's drift-group distributions ({@link WaferWindowAggregator#withGroups}),
     * one {@link WaferParameterWindow} per group and parameter with its {@code group} set, after the overall ones.
     */
    public WaferFeatureFinalizer withDriftGroups() {
        if (parameterNames == null) {
            throw new IllegalStateException("drift groups need the drift distributions");
        }
        return new WaferFeatureFinalizer(
                allowedLatenessMs, quietTimeoutMs, mergingWindows, parameterNames, driftTileMs, true);
    }

    /** Die → its {@link DieHistory}: test stamps ({@link DieKeys}), ascending. Shared with savepoint tools. */
    public static MapStateDescriptor<Integer, long[]> dieHistoryDescriptor() {
        return new MapStateDescriptor<>(
                "die-history", Types.INT, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /**
     * Release 0.1.0's die map, die → latest test stamp: still registered so that its savepoints restore (and their die
     * maps are carried over), never written.
     */
    public static MapStateDescriptor<Integer, Long> legacyDieMapDescriptor() {
        return new MapStateDescriptor<>("die-map", Types.INT, Types.LONG);
    }

    /** Window start → the window's distinct dies (sorted), beside its pending row: to compute its value again. */
    public static MapStateDescriptor<Long, int[]> pendingDiesDescriptor() {
        return new MapStateDescriptor<>(
                "pending-window-dies", Types.LONG, PrimitiveArrayTypeInfo.INT_PRIMITIVE_ARRAY_TYPE_INFO);
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

    /** Window start → its drift groups' distributions, until it is final (only with drift groups). */
    public static MapStateDescriptor<Long, GroupDistributions[]> pendingGroupDistributionsDescriptor() {
        return new MapStateDescriptor<>(
                "pending-group-distributions", Types.LONG, TypeInformation.of(GroupDistributions[].class));
    }

    public static ValueStateDescriptor<Long> quietDeadlineDescriptor() {
        return new ValueStateDescriptor<>("quiet-deadline", Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) {
        dieHistory = getRuntimeContext().getMapState(dieHistoryDescriptor());
        legacyDieMap = getRuntimeContext().getMapState(legacyDieMapDescriptor());
        pendingDies = getRuntimeContext().getMapState(pendingDiesDescriptor());
        newestOnlineEnd = getRuntimeContext().getState(newestOnlineEndDescriptor());
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        quietDeadline = getRuntimeContext().getState(quietDeadlineDescriptor());
        firingHistories = new HashMap<>();
        pendingDistributions = getRuntimeContext().getMapState(pendingDistributionsDescriptor());
        if (driftGroups) {
            pendingGroupDistributions = getRuntimeContext().getMapState(pendingGroupDistributionsDescriptor());
        }
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(WaferWindowSummary s, Context ctx, Collector<WaferFeatures> out) throws Exception {
        migrateLegacyDieMap();
        firingHistories.clear();
        for (Map.Entry<Integer, long[]> e : dieHistory.entries()) {
            firingHistories.put(memoKey(e.getKey()), e.getValue());
        }
        try {
            fire(s, ctx, out);
        } finally {
            firingHistories.clear();
        }
    }

    private void fire(WaferWindowSummary s, Context ctx, Collector<WaferFeatures> out) throws Exception {
        NewTests added = mergeIntoDieHistory(s, horizon(ctx.timerService().currentWatermark()));
        int[] windowDies = distinctSorted(s.dieKeys);
        WaferFeatures f = s.features;
        f.neighborYieldAvg = NeighborYield.average(windowDies, f.windowEnd, this::latestStampBefore);
        f.revision = previousRevision(f) + 1;
        if (f.revision > 0) {
            lateUpdates.inc();
        }
        pending.put(f.windowStart, f);
        pendingDies.put(f.windowStart, windowDies);
        if (parameterNames != null && s.distributions != null && tilesTime(f)) {
            pendingDistributions.put(f.windowStart, s.distributions);
            if (driftGroups && s.groupDistributions != null) {
                pendingGroupDistributions.put(f.windowStart, s.groupDistributions);
            }
        }
        ctx.timerService().registerEventTimeTimer(finalTime(f));

        emitOnline(f, out);
        reviseOtherWindows(f.windowStart, added, out);
        extendQuietDeadline(ctx, f.windowEnd - 1 + quietTimeoutMs);
    }

    private void emitOnline(WaferFeatures f, Collector<WaferFeatures> out) throws Exception {
        Long newest = newestOnlineEnd.value();
        if (newest == null || f.windowEnd >= newest) {
            newestOnlineEnd.update(f.windowEnd);
            onlineRows.inc();
            out.collect(f);
        } else {
            staleSkipped.inc();
        }
    }

    /**
     * No window that can still fire or re-fire ends at or before this event time: a pending one ends after the
     * watermark − allowed lateness + 1 (else its final timer would have fired), and the window operator accepts no
     * record for a window that ends earlier than that at its own watermark, which is never behind this one.
     */
    private long horizon(long watermark) {
        return watermark < Long.MIN_VALUE + allowedLatenessMs ? Long.MIN_VALUE : watermark - allowedLatenessMs;
    }

    /** Carries a 0.1.0 savepoint's die map over once per wafer: each die's latest test becomes its history. */
    private void migrateLegacyDieMap() throws Exception {
        if (legacyDieMap.isEmpty()) {
            return;
        }
        for (Map.Entry<Integer, Long> e : legacyDieMap.entries()) {
            dieHistory.put(e.getKey(), DieHistory.add(dieHistory.get(e.getKey()), e.getValue(), Long.MIN_VALUE));
        }
        legacyDieMap.clear();
    }

    /** Adds the window's tests to the die histories and returns those that were new to them. */
    private NewTests mergeIntoDieHistory(WaferWindowSummary s, long horizon) throws Exception {
        NewTests added = new NewTests();
        for (int i = 0; i < s.dieKeys.length; i++) {
            long[] history = history(s.dieKeys[i]);
            if (!DieHistory.contains(history, s.dieStamps[i])) {
                added.add(s.dieKeys[i], DieHistory.time(s.dieStamps[i]));
            }
            long[] next = DieHistory.add(history, s.dieStamps[i], horizon);
            if (next != history) {
                dieHistory.put(s.dieKeys[i], next);
                firingHistories.put(memoKey(s.dieKeys[i]), next);
            }
        }
        return added;
    }

    private Long latestStampBefore(int die, long end) throws Exception {
        return DieHistory.latestBefore(history(die), end);
    }

    /** The die's history as this firing left it; null if the die has no test. */
    private long[] history(int die) {
        return firingHistories.get(memoKey(die));
    }

    /**
     * A die key scrambled one-to-one (an odd multiplier): {@link DieKeys#key} puts x in the high half, which
     * {@link HashMap} folds onto y, so a wafer's ~700 dies would share some 32 buckets.
     */
    private static Integer memoKey(int die) {
        return die * 0x9E3779B1;
    }

    private static int[] distinctSorted(int[] dies) {
        int[] sorted = dies.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return distinct == sorted.length ? sorted : Arrays.copyOf(sorted, distinct);
    }

    /**
     * Computes again the neighbour yield of every other pending window that ends after one of the new tests and has a
     * die next to it, and emits those whose value changed as their next revision (offline: it replaces the pending row;
     * online: behind the same guard as any firing). Oldest first, so the newest window is the one left online.
     */
    private void reviseOtherWindows(long firedStart, NewTests added, Collector<WaferFeatures> out) throws Exception {
        if (added.size == 0) {
            return;
        }
        List<WaferFeatures> revised = new ArrayList<>();
        for (Map.Entry<Long, int[]> e : pendingDies.entries()) {
            WaferFeatures p = e.getKey() == firedStart ? null : pending.get(e.getKey());
            if (p == null || !added.nextTo(e.getValue(), p.windowEnd)) {
                continue;
            }
            double value = NeighborYield.average(e.getValue(), p.windowEnd, this::latestStampBefore);
            if (Double.compare(value, p.neighborYieldAvg) != 0) {
                p.neighborYieldAvg = value;
                p.revision++;
                revised.add(p);
            }
        }
        revised.sort(Comparator.comparingLong(p -> p.windowEnd));
        for (WaferFeatures p : revised) {
            pending.put(p.windowStart, p);
            recomputed.inc();
            emitOnline(p, out);
        }
    }

    /** Tests a firing added to the die histories: die and event time. */
    private static final class NewTests {
        int size;
        int[] dies = new int[16];
        long[] times = new long[16];

        void add(int die, long time) {
            if (size == dies.length) {
                dies = Arrays.copyOf(dies, size * 2);
                times = Arrays.copyOf(times, size * 2);
            }
            dies[size] = die;
            times[size] = time;
            size++;
        }

        /** Whether one of them is before {@code end} and next to one of {@code windowDies} (sorted). */
        boolean nextTo(int[] windowDies, long end) {
            for (int i = 0; i < size; i++) {
                if (times[i] < end && NeighborYield.anyNeighbourIn(dies[i], windowDies)) {
                    return true;
                }
            }
            return false;
        }
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
            pendingDies.remove(start);
            pendingDistributions.remove(start);
            if (driftGroups) {
                pendingGroupDistributions.remove(start);
            }
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
            pendingDies.remove(start);
            pendingDistributions.remove(start);
            if (driftGroups) {
                pendingGroupDistributions.remove(start);
            }
        }
        if (waferQuiet) {
            dieHistory.clear();
            legacyDieMap.clear();
            pendingDies.clear();
            newestOnlineEnd.clear();
            pending.clear();
            pendingDistributions.clear();
            if (driftGroups) {
                pendingGroupDistributions.clear();
            }
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
        GroupDistributions[] groups = driftGroups ? pendingGroupDistributions.get(f.windowStart) : null;
        if (groups == null) {
            return;
        }
        for (GroupDistributions g : groups) {
            for (int i = 0; i < g.distributions.length; i++) {
                WaferParameterWindow w = new WaferParameterWindow();
                w.feature = parameterNames.get(i);
                w.group = g.group;
                w.waferId = f.waferId;
                w.lotId = f.lotId;
                w.windowStart = f.windowStart;
                w.windowEnd = f.windowEnd;
                w.deviceCount = f.deviceCount;
                w.distribution = g.distributions[i];
                ctx.output(DISTRIBUTIONS, w);
            }
        }
    }
}
