package io.waferflow.savepoints;

import io.waferflow.drift.Baseline;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftDetector;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.Uids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes a savepoint whose drift detector already holds complete baselines (issue 4, baselines (c)): the streaming job
 * started from it judges its very first drift window against them, and keeps them as state from then on. Only the drift
 * detector's state is written; every other operator starts empty.
 */
public final class BaselineBootstrap {

    private BaselineBootstrap() {}

    /** One feature's baseline, the bootstrap's input. A Flink POJO. */
    public static class Seed {
        public String feature;
        public Distribution distribution;

        public Seed() {}
    }

    public static void write(BaselineFile baselines, String baselineId, String savepointPath) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        List<Seed> seeds = new ArrayList<>();
        for (Map.Entry<String, Distribution> e : baselines.features.entrySet()) {
            Seed s = new Seed();
            s.feature = e.getKey();
            s.distribution = e.getValue();
            seeds.add(s);
        }
        StateBootstrapTransformation<Seed> baselineState = OperatorTransformation.bootstrapWith(
                        env.fromData(TypeInformation.of(Seed.class), seeds.toArray(new Seed[0])))
                .keyBy(s -> s.feature, Types.STRING)
                .transform(new WriteBaseline(baselineId));
        SavepointWriter.newSavepoint(env, new HashMapStateBackend(), JobEnvironment.MAX_PARALLELISM)
                .withOperator(OperatorIdentifier.forUid(Uids.DRIFT_DETECTOR), baselineState)
                .write(savepointPath);
        env.execute("waferflow savepoint bootstrap");
    }

    static final class WriteBaseline extends KeyedStateBootstrapFunction<String, Seed> {

        private static final long serialVersionUID = 1L;

        private final String baselineId;
        private transient ValueState<Baseline> baseline;

        WriteBaseline(String baselineId) {
            this.baselineId = baselineId;
        }

        @Override
        public void open(Configuration parameters) {
            baseline = getRuntimeContext().getState(DriftDetector.baselineDescriptor());
        }

        @Override
        public void processElement(Seed seed, Context ctx) throws Exception {
            Baseline b = new Baseline();
            b.distribution = seed.distribution;
            b.id = baselineId;
            b.complete = true;
            baseline.update(b);
        }
    }
}
