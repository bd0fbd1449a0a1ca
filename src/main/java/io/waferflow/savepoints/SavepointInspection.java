package io.waferflow.savepoints;

import io.waferflow.alerts.AlertEpisode;
import io.waferflow.alerts.AlertPolicy;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftDetector;
import io.waferflow.drift.StepCdf;
import io.waferflow.features.WaferFeatureFinalizer;
import io.waferflow.features.WaferWindowAccumulator;
import io.waferflow.features.WaferWindowAggregator;
import io.waferflow.features.WaferWindowSummary;
import io.waferflow.jobs.Uids;
import io.waferflow.metrics.PipelineCount;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.sketch.QuantileSketches;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.functions.WindowReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Reads the state of a {@code features} savepoint (or retained checkpoint) with the State Processor API, on the
 * operators' real uids: the pipeline counters, every drift baseline with its open drift windows, the wafers in flight
 * in the finalizer, the open wafer windows and the alert policy's keys. Each section is a small batch job.
 */
public final class SavepointInspection {

    public final Map<String, Long> counters = new TreeMap<>();
    public final List<StateRows.Baseline> baselines = new ArrayList<>();
    public final List<StateRows.Wafer> wafers = new ArrayList<>();
    public final List<StateRows.Window> windows = new ArrayList<>();
    public final List<StateRows.AlertState> alerts = new ArrayList<>();

    private SavepointInspection() {}

    public static SavepointInspection read(String path, FeaturesJobConfig config) throws Exception {
        SavepointInspection r = new SavepointInspection();
        // Every counting operator's counters, in one job.
        for (PipelineCount c : collect(path, reader -> {
            DataStream<PipelineCount> all = null;
            for (String uid : List.of(
                    Uids.ROUTE,
                    Uids.DROP_DUPLICATES,
                    Uids.TOO_LATE,
                    Uids.WAFER_FINALIZER,
                    Uids.DRIFT_DETECTOR,
                    Uids.ALERT_POLICY)) {
                DataStream<PipelineCount> one = reader.readListState(
                        OperatorIdentifier.forUid(uid),
                        PipelineCounters.STATE_NAME,
                        TypeInformation.of(PipelineCount.class));
                all = all == null ? one : all.union(one);
            }
            return all;
        })) {
            r.counters.merge(c.name, c.value, Long::sum);
        }
        if (config.drift().enabled()) {
            int k = config.drift().sketchK();
            r.baselines.addAll(collect(
                    path,
                    reader -> reader.readKeyedState(
                            OperatorIdentifier.forUid(Uids.DRIFT_DETECTOR),
                            new BaselineReader(k),
                            Types.STRING,
                            TypeInformation.of(StateRows.Baseline.class))));
        }
        r.wafers.addAll(collect(
                path,
                reader -> reader.readKeyedState(
                        OperatorIdentifier.forUid(Uids.WAFER_FINALIZER),
                        new WaferReader(),
                        Types.STRING,
                        TypeInformation.of(StateRows.Wafer.class))));
        WaferWindowAggregator aggregator = WaferWindowAggregator.forSchema(config.schema(), QuantileSketches.DEFAULT_K);
        r.windows.addAll(collect(
                path,
                reader -> reader.window(new TimeWindow.Serializer())
                        .aggregate(
                                Uids.WAFER_WINDOW,
                                aggregator,
                                new WindowReader(),
                                Types.STRING,
                                TypeInformation.of(WaferWindowAccumulator.class),
                                TypeInformation.of(StateRows.Window.class))));
        if (config.alerts().enabled()) {
            r.alerts.addAll(collect(
                    path,
                    reader -> reader.readKeyedState(
                            OperatorIdentifier.forUid(Uids.ALERT_POLICY),
                            new AlertReader(),
                            Types.STRING,
                            TypeInformation.of(StateRows.AlertState.class))));
        }
        r.baselines.sort((a, b) -> a.feature.compareTo(b.feature));
        r.wafers.sort((a, b) -> a.waferId.compareTo(b.waferId));
        r.windows.sort((a, b) -> a.waferId.equals(b.waferId)
                ? Long.compare(a.windowStart, b.windowStart)
                : a.waferId.compareTo(b.waferId));
        r.alerts.sort((a, b) -> a.key.compareTo(b.key));
        return r;
    }

    /**
     * The event-time watermark the job had reached ({@link io.waferflow.features.RestoredWatermark}'s state: the lowest
     * of its subtasks'); {@code Long.MIN_VALUE} if the savepoint has none.
     */
    public static long watermark(String path) throws Exception {
        long lowest = Long.MAX_VALUE;
        for (Long w : collect(
                path,
                reader -> reader.readUnionState(
                        OperatorIdentifier.forUid(Uids.RESTORED_WATERMARK),
                        io.waferflow.features.RestoredWatermark.STATE_NAME,
                        Types.LONG))) {
            lowest = Math.min(lowest, w);
        }
        return lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
    }

    /** One operator's pipeline counters, entry by entry (to carry them into a rewritten operator). */
    public static List<PipelineCount> counterEntries(String path, String uid) throws Exception {
        return collect(
                path,
                reader -> reader.readListState(
                        OperatorIdentifier.forUid(uid),
                        PipelineCounters.STATE_NAME,
                        TypeInformation.of(PipelineCount.class)));
    }

    /** What one section reads from the savepoint. */
    private interface Section<T> {
        DataStream<T> read(SavepointReader reader) throws Exception;
    }

    /** Runs one section as a batch job and returns its rows (collected at the end of the job, so a local run works). */
    private static <T> List<T> collect(String path, Section<T> section) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        DataStream<T> rows = section.read(SavepointReader.read(env, path, new HashMapStateBackend()));
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = rows.collectAsync()) {
            env.execute("waferflow savepoint inspect");
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static final class BaselineReader extends KeyedStateReaderFunction<String, StateRows.Baseline> {

        private static final long serialVersionUID = 1L;

        private final int k;
        private transient ValueState<io.waferflow.drift.Baseline> baseline;
        private transient MapState<Long, Distribution> open;

        BaselineReader(int k) {
            this.k = k;
        }

        @Override
        public void open(Configuration parameters) {
            baseline = getRuntimeContext().getState(DriftDetector.baselineDescriptor());
            open = getRuntimeContext().getMapState(DriftDetector.openWindowsDescriptor());
        }

        @Override
        public void readKey(String feature, Context ctx, Collector<StateRows.Baseline> out) throws Exception {
            StateRows.Baseline row = new StateRows.Baseline();
            row.feature = feature;
            io.waferflow.drift.Baseline b = baseline.value();
            if (b != null && !b.distribution.isEmpty()) {
                row.id = b.id;
                row.complete = b.complete;
                row.n = b.distribution.n;
                row.mean = b.distribution.mean;
                row.std = b.distribution.std();
                row.sketchK = b.distribution.kll(k).getK();
                StepCdf cdf = StepCdf.of(b.distribution, k);
                row.p05 = cdf.quantile(0.05);
                row.p50 = cdf.quantile(0.5);
                row.p95 = cdf.quantile(0.95);
            }
            for (Distribution d : open.values()) {
                row.openDriftWindows++;
                row.openDriftValues += d.n;
            }
            out.collect(row);
        }
    }

    static final class WaferReader extends KeyedStateReaderFunction<String, StateRows.Wafer> {

        private static final long serialVersionUID = 1L;

        private transient MapState<Integer, long[]> dieHistory;
        private transient MapState<Integer, Long> legacyDieMap;
        private transient MapState<Long, io.waferflow.features.WaferFeatures> pending;
        private transient ValueState<Long> newestOnlineEnd;
        private transient ValueState<Long> quietDeadline;

        @Override
        public void open(Configuration parameters) {
            dieHistory = getRuntimeContext().getMapState(WaferFeatureFinalizer.dieHistoryDescriptor());
            legacyDieMap = getRuntimeContext().getMapState(WaferFeatureFinalizer.legacyDieMapDescriptor());
            pending = getRuntimeContext().getMapState(WaferFeatureFinalizer.pendingDescriptor());
            newestOnlineEnd = getRuntimeContext().getState(WaferFeatureFinalizer.newestOnlineEndDescriptor());
            quietDeadline = getRuntimeContext().getState(WaferFeatureFinalizer.quietDeadlineDescriptor());
        }

        @Override
        public void readKey(String wafer, Context ctx, Collector<StateRows.Wafer> out) throws Exception {
            StateRows.Wafer row = new StateRows.Wafer();
            row.waferId = wafer;
            // A 0.1.0 savepoint holds the die map; a later one die histories (a wafer's die map moves on its next
            // firing after the restore): each die is in one of them.
            for (Integer ignored : dieHistory.keys()) {
                row.diesKnown++;
            }
            for (Integer ignored : legacyDieMap.keys()) {
                row.diesKnown++;
            }
            for (Long ignored : pending.keys()) {
                row.pendingWindows++;
            }
            row.newestOnlineWindowEnd = newestOnlineEnd.value() == null ? -1 : newestOnlineEnd.value();
            row.quietDeadline = quietDeadline.value() == null ? -1 : quietDeadline.value();
            out.collect(row);
        }
    }

    static final class WindowReader
            extends WindowReaderFunction<WaferWindowSummary, StateRows.Window, String, TimeWindow> {

        private static final long serialVersionUID = 1L;

        @Override
        public void readWindow(
                String wafer,
                Context<TimeWindow> ctx,
                Iterable<WaferWindowSummary> results,
                Collector<StateRows.Window> out) {
            for (WaferWindowSummary s : results) {
                StateRows.Window row = new StateRows.Window();
                row.waferId = wafer;
                row.windowStart = ctx.window().getStart();
                row.windowEnd = ctx.window().getEnd();
                row.devices = s.features.deviceCount;
                out.collect(row);
            }
        }
    }

    static final class AlertReader extends KeyedStateReaderFunction<String, StateRows.AlertState> {

        private static final long serialVersionUID = 1L;

        private transient ValueState<AlertEpisode> episode;

        @Override
        public void open(Configuration parameters) {
            episode = getRuntimeContext().getState(AlertPolicy.episodeDescriptor());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<StateRows.AlertState> out) throws Exception {
            AlertEpisode e = episode.value();
            if (e == null) {
                return;
            }
            StateRows.AlertState row = new StateRows.AlertState();
            row.key = key;
            row.firing = e.firing;
            row.alertId = e.alertId;
            row.firstSeen = e.firstSeen;
            row.lastSeen = e.lastSeen;
            row.occurrences = e.occurrences;
            row.recentActiveWindows = e.activeWindows.length;
            out.collect(row);
        }
    }
}
