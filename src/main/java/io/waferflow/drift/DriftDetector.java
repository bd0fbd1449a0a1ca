package io.waferflow.drift;

import io.waferflow.config.DriftConfig;
import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.DriftGroups;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.WaferParameterWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drift of one feature (keyed by parameter name), continuously, in event time (SPEC 4).
 *
 * <p>Input: each final wafer window's distribution of the parameter (its KLL sketch and exact moments), emitted once
 * per wafer window when it can no longer change. They are merged into the drift window that contains the wafer window's
 * end; the drift window is judged when the watermark passes its end plus the wafer windows' allowed lateness, that is,
 * once every wafer window that ends in it is final. Records are never keyed by parameter one by one: the per-record
 * work (sketch updates) happens in the wafer windows, which this operator reuses.
 *
 * <p>Merge order: wafer windows reach this operator in an order that timing decides (two upstream subtasks' network
 * buffers), and merging is not order-independent (a mean's last bit, KLL compaction). So an arriving wafer window waits
 * in {@link #pendingWaferWindowsDescriptor()} until every wafer window that ends no later than it has arrived (the
 * watermark passes its end plus the lateness: each is emitted by then), and is merged then, in the order (window end,
 * window start, lot, wafer): the same input gives the same drift window, bit for bit, in every run, restore and
 * backfill. Pending state is small in streaming (the wafer windows between their emission and the next watermark); in a
 * batch run (backfill), whose keyed input is sorted by timestamp and whose watermark only comes at the end, a wafer
 * window is merged as soon as an input with a later timestamp than its merge time arrives.
 *
 * <p>State per feature: the baseline ({@link Baseline}) and the open drift windows (end → merged distribution). A
 * stream baseline is built from the first drift windows; a file baseline is loaded on the feature's first input. Both
 * are state, so they survive restarts and are carried by savepoints.
 *
 * <p>With a rolling reference ({@link #withRollingReference}) the baseline is instead the merge of the last N judged
 * drift windows before the current one (kept per feature in {@link #rollingWindowsDescriptor()}, at most N), and a
 * window gets a verdict once they hold {@code min_baseline} values.
 *
 * <p>Output: one {@link DriftMetric} per feature and drift window (verdict insufficient_data while the baseline forms);
 * on {@link #QUALITY_EVENTS} the per-wafer checks of {@link WaferDistributionRules}.
 *
 * <p>Drift groups ({@code drift.group_by}) run through a second instance keyed by {@link DriftGroups#detectorKey}
 * (parameter and group): each group then has its own state as a feature has, its baseline formed from its own first
 * drift windows (a file baseline: the parameter's), and its metrics carry the group.
 */
public class DriftDetector extends KeyedProcessFunction<String, WaferParameterWindow, DriftMetric>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<QualityEvent> QUALITY_EVENTS = new OutputTag<>("distribution-quality-events") {};

    private final DriftConfig config;
    private final long waferLatenessMs;
    private final WaferDistributionRules waferRules;
    /** Per feature, when the baseline comes from a file (read at start-up); null otherwise. */
    private final Map<String, Distribution> fileBaselines;

    private final String fileBaselineId;
    /** 0: the baseline is fixed once complete; N: it is the last N drift windows. */
    private final int rollingWindows;

    private final PipelineCounters counters = new PipelineCounters();
    private transient DriftGauges gauges;
    private final PipelineCounter lateInputs = counters.add(PipelineCounter.DRIFT_LATE_INPUTS);
    private final PipelineCounter metricsOut = counters.add(PipelineCounter.DRIFT_METRICS);
    private final PipelineCounter qualityEvents = counters.add(PipelineCounter.QUALITY_EVENTS);

    private transient ValueState<Baseline> baseline;
    private transient MapState<Long, Distribution> open;
    /** Only with a rolling reference. */
    private transient MapState<Long, Distribution> rolling;
    /** Merge time (wafer window end − 1 + lateness) → wafer windows waiting to be merged in canonical order. */
    private transient MapState<Long, List<WaferParameterWindow>> pending;
    /** Batch execution: keyed input sorted by timestamp, one watermark at the end. */
    private transient boolean sortedInput;

    public DriftDetector(
            DriftConfig config,
            long waferLatenessMs,
            WaferDistributionRules waferRules,
            Map<String, Distribution> fileBaselines,
            String fileBaselineId) {
        this(config, waferLatenessMs, waferRules, fileBaselines, fileBaselineId, 0);
    }

    private DriftDetector(
            DriftConfig config,
            long waferLatenessMs,
            WaferDistributionRules waferRules,
            Map<String, Distribution> fileBaselines,
            String fileBaselineId,
            int rollingWindows) {
        this.config = config;
        this.waferLatenessMs = waferLatenessMs;
        this.waferRules = waferRules;
        this.fileBaselines = fileBaselines == null ? null : Map.copyOf(fileBaselines);
        this.fileBaselineId = fileBaselineId;
        this.rollingWindows = rollingWindows;
    }

    /**
     * A detector whose baseline rolls: each drift window is compared with the merge of the {@code windows} drift
     * windows judged before it ({@code config}'s baseline source is not used).
     */
    public static DriftDetector withRollingReference(
            DriftConfig config, long waferLatenessMs, WaferDistributionRules waferRules, int windows) {
        if (windows < 1) {
            throw new IllegalArgumentException("a rolling reference needs at least one window, not " + windows);
        }
        return new DriftDetector(config, waferLatenessMs, waferRules, null, null, windows);
    }

    public static ValueStateDescriptor<Baseline> baselineDescriptor() {
        return new ValueStateDescriptor<>("drift-baseline", TypeInformation.of(Baseline.class));
    }

    /** Drift window end → the merged distribution of the wafer windows that ended in it so far. */
    public static MapStateDescriptor<Long, Distribution> openWindowsDescriptor() {
        return new MapStateDescriptor<>("drift-open-windows", Types.LONG, TypeInformation.of(Distribution.class));
    }

    /**
     * Wafer windows not yet merged into their drift window: merge time (window end − 1 + lateness) → the wafer windows
     * (issue 19; new in 0.2, so state from 0.1.0 restores without it).
     */
    public static MapStateDescriptor<Long, List<WaferParameterWindow>> pendingWaferWindowsDescriptor() {
        return new MapStateDescriptor<>(
                "drift-pending-wafer-windows", Types.LONG, Types.LIST(TypeInformation.of(WaferParameterWindow.class)));
    }

    /** Rolling reference: drift window end → its distribution, for the last N judged windows. */
    public static MapStateDescriptor<Long, Distribution> rollingWindowsDescriptor() {
        return new MapStateDescriptor<>("drift-rolling-windows", Types.LONG, TypeInformation.of(Distribution.class));
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void open(OpenContext openContext) {
        baseline = getRuntimeContext().getState(baselineDescriptor());
        open = getRuntimeContext().getMapState(openWindowsDescriptor());
        pending = getRuntimeContext().getMapState(pendingWaferWindowsDescriptor());
        sortedInput = getRuntimeContext() instanceof StreamingRuntimeContext c && c.getJobType() == JobType.BATCH;
        if (rollingWindows > 0) {
            rolling = getRuntimeContext().getMapState(rollingWindowsDescriptor());
        }
        gauges = new DriftGauges(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(WaferParameterWindow w, Context ctx, Collector<DriftMetric> out) throws Exception {
        Baseline b = baselineOf(ctx.getCurrentKey());
        // The per-wafer checks are the overall detector's: a group's would report the same wafer again.
        if (w.group == null) {
            for (QualityEvent e : waferRules.check(w, b)) {
                qualityEvents.inc();
                ctx.output(QUALITY_EVENTS, e);
            }
        }
        if (w.distribution == null || w.distribution.isEmpty()) {
            return;
        }
        long size = config.window().toMillis();
        long end = Math.floorDiv(w.windowEnd - 1, size) * size + size;
        long judgeAt = judgeTime(end);
        if (judgeAt <= ctx.timerService().currentWatermark()) {
            // Cannot happen while wafer windows are emitted when final; counted rather than silently merged into a
            // window that was already judged.
            lateInputs.inc();
            return;
        }
        if (sortedInput && ctx.timestamp() != null) {
            // Every input with an earlier timestamp has arrived: a wafer window whose merge time is earlier than this
            // one's timestamp has all its predecessors in the canonical order (their timestamps are ≤ their merge
            // times, which are ≤ its own).
            mergePending(ctx.timestamp() - 1, ctx.timerService());
        }
        long mergeAt = mergeTime(w);
        List<WaferParameterWindow> waiting = pending.get(mergeAt);
        if (waiting == null) {
            waiting = new ArrayList<>();
        }
        waiting.add(w);
        pending.put(mergeAt, waiting);
        ctx.timerService().registerEventTimeTimer(mergeAt);
        ctx.timerService().registerEventTimeTimer(judgeAt);
    }

    /**
     * When a wafer window can be merged: the watermark has passed its end plus the lateness, so every wafer window that
     * ends no later (emitted when final, at the latest at its own such time) has arrived.
     */
    private long mergeTime(WaferParameterWindow w) {
        return w.windowEnd - 1 + waferLatenessMs;
    }

    /** Canonical merge order of wafer windows: end, start, lot, wafer, then the distribution itself. */
    private static final Comparator<WaferParameterWindow> MERGE_ORDER = Comparator.<WaferParameterWindow>comparingLong(
                    w -> w.windowEnd)
            .thenComparingLong(w -> w.windowStart)
            .thenComparing(w -> w.lotId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(w -> w.waferId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(w -> w.distribution.n)
            .thenComparing(w -> w.distribution.sketch, Arrays::compare);

    /**
     * Merges the pending wafer windows whose merge time is ≤ {@code upTo} into their drift windows, in canonical order.
     */
    private void mergePending(long upTo, TimerService timers) throws Exception {
        List<Long> due = new ArrayList<>();
        List<WaferParameterWindow> ready = new ArrayList<>();
        for (Map.Entry<Long, List<WaferParameterWindow>> e : pending.entries()) {
            if (e.getKey() <= upTo) {
                due.add(e.getKey());
                ready.addAll(e.getValue());
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        for (Long t : due) {
            pending.remove(t);
        }
        ready.sort(MERGE_ORDER);
        long size = config.window().toMillis();
        Map<Long, Distribution> touched = new TreeMap<>();
        for (WaferParameterWindow w : ready) {
            long end = Math.floorDiv(w.windowEnd - 1, size) * size + size;
            Distribution so = touched.containsKey(end) ? touched.get(end) : open.get(end);
            touched.put(end, (so == null ? new Distribution() : so).merge(w.distribution, config.sketchK()));
        }
        for (Map.Entry<Long, Distribution> e : touched.entrySet()) {
            open.put(e.getKey(), e.getValue());
            // Registered on arrival already; again for pending state restored by savepoint migrate, which has no
            // drift window size to register it with.
            if (judgeTime(e.getKey()) > timers.currentWatermark()) {
                timers.registerEventTimeTimer(judgeTime(e.getKey()));
            }
        }
    }

    private long judgeTime(long driftWindowEnd) {
        return driftWindowEnd - 1 + waferLatenessMs;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftMetric> out) throws Exception {
        long end = timestamp + 1 - waferLatenessMs;
        long start = end - config.window().toMillis();
        mergePending(timestamp, ctx.timerService());
        Distribution current = open.get(end);
        if (current == null) {
            return;
        }
        open.remove(end);
        String feature = DriftGroups.featureOf(ctx.getCurrentKey());
        Baseline b = baselineOf(ctx.getCurrentKey());
        DriftMetric m;
        if (rollingWindows > 0) {
            m = compare(feature, b, current);
            roll(b, start, end, current);
        } else if (b.complete) {
            m = compare(feature, b, current);
        } else {
            b.distribution = b.distribution.merge(current, config.sketchK());
            if (b.firstWindowStart == Long.MIN_VALUE) {
                b.firstWindowStart = start;
            }
            b.id = "stream:" + Instant.ofEpochMilli(b.firstWindowStart) + ".." + Instant.ofEpochMilli(end);
            b.complete = config.baselineFrom() == DriftConfig.BaselineFrom.STREAM_RECORDS
                    ? b.distribution.n >= config.baselineRecords()
                    : end - b.firstWindowStart >= config.baselinePeriod().toMillis();
            baseline.update(b);
            m = forming(feature, b, current);
        }
        m.driftGroup = DriftGroups.groupOf(ctx.getCurrentKey());
        m.windowStart = start;
        m.windowEnd = end;
        metricsOut.inc();
        gauges.update(m);
        out.collect(m);
    }

    private DriftMetric compare(String feature, Baseline b, Distribution current) {
        int k = config.sketchK();
        DriftMetric m = DriftStatistics.compare(
                feature, StepCdf.of(b.distribution, k), b.distribution, StepCdf.of(current, k), current, config.rule());
        m.baselineId = b.id;
        return m;
    }

    /** The rolling reference after a judged window: the last N windows up to it, merged. */
    private void roll(Baseline b, long start, long end, Distribution current) throws Exception {
        rolling.put(end, current);
        TreeMap<Long, Distribution> kept = new TreeMap<>();
        for (Map.Entry<Long, Distribution> e : rolling.entries()) {
            kept.put(e.getKey(), e.getValue());
        }
        while (kept.size() > rollingWindows) {
            rolling.remove(kept.pollFirstEntry().getKey());
        }
        Distribution merged = new Distribution();
        for (Distribution d : kept.values()) {
            merged = merged.merge(d, config.sketchK());
        }
        b.distribution = merged;
        b.firstWindowStart = kept.firstKey() - (end - start);
        b.id = "rolling:" + Instant.ofEpochMilli(b.firstWindowStart) + ".." + Instant.ofEpochMilli(end);
        b.complete = true;
        baseline.update(b);
    }

    /**
     * The key's baseline: from state, else from the baseline file (a group: its parameter's), else a new one to build
     * from the stream.
     */
    private Baseline baselineOf(String key) throws Exception {
        Baseline b = baseline.value();
        if (b == null) {
            b = new Baseline();
            if (fileBaselines != null) {
                b.distribution = fileBaselines.get(DriftGroups.featureOf(key)).copy();
                b.id = fileBaselineId;
                b.complete = true;
                baseline.update(b);
            }
        }
        return b;
    }

    /** The metric of a window that went into the baseline: its moments, no test. */
    private static DriftMetric forming(String feature, Baseline b, Distribution current) {
        DriftMetric m = new DriftMetric();
        m.feature = feature;
        m.nBaseline = b.distribution.n;
        m.nCurrent = current.n;
        m.baselineMean = b.distribution.mean;
        m.baselineStd = b.distribution.std();
        m.currentMean = current.mean;
        m.currentStd = current.std();
        m.verdict = DriftVerdict.INSUFFICIENT_DATA; // the statistics stay NaN
        m.baselineId = b.id;
        return m;
    }
}
