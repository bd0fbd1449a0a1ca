package io.waferflow.metrics;

import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A function whose operator state is its {@link PipelineCounters}: restored and snapshotted here, once for all
 * counting operators. The function declares its counters as fields, returns them from {@link #counters}, and
 * registers them from {@code open} ({@code counters().register(getRuntimeContext())}).
 */
public interface CountingFunction extends CheckpointedFunction {

    PipelineCounters counters();

    @Override
    default void initializeState(FunctionInitializationContext context) throws Exception {
        counters().restore(context);
    }

    @Override
    default void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters().snapshot();
    }
}
