package io.waferflow.savepoints;

import io.waferflow.drift.Baseline;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftDetector;
import io.waferflow.jobs.Uids;
import io.waferflow.metrics.PipelineCount;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * {@code savepoint migrate} for the drift detector's state: renames parameters (a feature renamed between releases
 * keeps its baseline and open drift windows) and re-sketches every distribution with a new KLL size. Every other
 * operator's state is copied unchanged; the result is a new savepoint.
 */
public final class DriftStateMigration {

    private DriftStateMigration() {}

    /** One feature's drift state, as read and as written back. A Flink POJO. */
    public static class FeatureState {
        public String feature;
        public Baseline baseline;
        public Map<Long, Distribution> openWindows = new HashMap<>();
        /** Wafer windows not yet merged into their drift window, by merge time (state since issue 19). */
        public Map<Long, List<WaferParameterWindow>> pendingWaferWindows = new HashMap<>();

        public FeatureState() {}
    }

    /**
     * @param waferLatenessMs the job's {@code feature_group.window.allowed_lateness}: open drift windows get their
     *     judging timers back at end − 1 + lateness (timers are not part of what the reader sees)
     */
    public static void migrate(String from, String to, Map<String, String> renames, int sketchK, long waferLatenessMs)
            throws Exception {
        List<PipelineCount> counters = SavepointInspection.counterEntries(from, Uids.DRIFT_DETECTOR);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        SavepointReader reader = SavepointReader.read(env, from, new HashMapStateBackend());
        DataStream<FeatureState> migrated = reader.readKeyedState(
                        OperatorIdentifier.forUid(Uids.DRIFT_DETECTOR),
                        new ReadFeatureState(),
                        Types.STRING,
                        TypeInformation.of(FeatureState.class))
                .map(s -> transform(s, renames, sketchK))
                .returns(TypeInformation.of(FeatureState.class));
        StateBootstrapTransformation<FeatureState> state = OperatorTransformation.bootstrapWith(migrated)
                .keyBy(s -> s.feature, Types.STRING)
                .transform(new WriteFeatureState(waferLatenessMs, counters));
        SavepointWriter.fromExistingSavepoint(env, from, new HashMapStateBackend())
                .removeOperator(OperatorIdentifier.forUid(Uids.DRIFT_DETECTOR))
                .withOperator(OperatorIdentifier.forUid(Uids.DRIFT_DETECTOR), state)
                .write(to);
        env.execute("waferflow savepoint migrate");
    }

    static FeatureState transform(FeatureState s, Map<String, String> renames, int sketchK) {
        s.feature = renames.getOrDefault(s.feature, s.feature);
        if (s.baseline != null) {
            s.baseline.distribution = resketch(s.baseline.distribution, sketchK);
        }
        s.openWindows.replaceAll((end, d) -> resketch(d, sketchK));
        for (List<WaferParameterWindow> waiting : s.pendingWaferWindows.values()) {
            for (WaferParameterWindow w : waiting) {
                w.feature = s.feature;
                w.distribution = resketch(w.distribution, sketchK);
            }
        }
        return s;
    }

    /** The same values in a sketch of size {@code k} (merging into an empty sketch keeps moments exactly). */
    private static Distribution resketch(Distribution d, int k) {
        if (k <= 0 || d == null || d.isEmpty()) {
            return d;
        }
        return new Distribution().merge(d, k);
    }

    static final class ReadFeatureState extends KeyedStateReaderFunction<String, FeatureState> {

        private static final long serialVersionUID = 1L;

        private transient ValueState<Baseline> baseline;
        private transient MapState<Long, Distribution> open;
        private transient MapState<Long, List<WaferParameterWindow>> pending;

        @Override
        public void open(Configuration parameters) {
            baseline = getRuntimeContext().getState(DriftDetector.baselineDescriptor());
            open = getRuntimeContext().getMapState(DriftDetector.openWindowsDescriptor());
            pending = getRuntimeContext().getMapState(DriftDetector.pendingWaferWindowsDescriptor());
        }

        @Override
        public void readKey(String feature, Context ctx, Collector<FeatureState> out) throws Exception {
            FeatureState s = new FeatureState();
            s.feature = feature;
            s.baseline = baseline.value();
            for (Map.Entry<Long, Distribution> e : open.entries()) {
                s.openWindows.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<Long, List<WaferParameterWindow>> e : pending.entries()) {
                s.pendingWaferWindows.put(e.getKey(), new ArrayList<>(e.getValue()));
            }
            out.collect(s);
        }
    }

    /** Writes the keyed drift state, and the operator's counters unchanged (its operator state). */
    static final class WriteFeatureState extends KeyedStateBootstrapFunction<String, FeatureState>
            implements CheckpointedFunction {

        private static final long serialVersionUID = 1L;

        private final long waferLatenessMs;
        private final List<PipelineCount> counters;
        private transient ListState<PipelineCount> counterState;

        WriteFeatureState(long waferLatenessMs, List<PipelineCount> counters) {
            this.waferLatenessMs = waferLatenessMs;
            this.counters = new ArrayList<>(counters);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            counterState = context.getOperatorStateStore().getListState(PipelineCounters.descriptor());
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            counterState.update(counters);
        }

        private transient ValueState<Baseline> baseline;
        private transient MapState<Long, Distribution> open;
        private transient MapState<Long, List<WaferParameterWindow>> pending;

        @Override
        public void open(Configuration parameters) {
            baseline = getRuntimeContext().getState(DriftDetector.baselineDescriptor());
            open = getRuntimeContext().getMapState(DriftDetector.openWindowsDescriptor());
            pending = getRuntimeContext().getMapState(DriftDetector.pendingWaferWindowsDescriptor());
        }

        @Override
        public void processElement(FeatureState s, Context ctx) throws Exception {
            if (s.baseline != null) {
                baseline.update(s.baseline);
            }
            open.putAll(s.openWindows);
            for (Long end : s.openWindows.keySet()) {
                ctx.timerService().registerEventTimeTimer(end - 1 + waferLatenessMs);
            }
            // A pending wafer window's timer is its merge time; its drift window's judging timer comes back too.
            for (Map.Entry<Long, List<WaferParameterWindow>> e : s.pendingWaferWindows.entrySet()) {
                pending.put(e.getKey(), e.getValue());
                ctx.timerService().registerEventTimeTimer(e.getKey());
            }
        }
    }
}
