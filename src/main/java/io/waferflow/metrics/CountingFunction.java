package io.waferflow.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * A function whose operator state is its {@link PipelineCounters}: restored, registered as metrics and snapshotted
 * here, once for all counting operators. The function declares its counters as fields and returns them from
 * {@link #counters}; a rich function's {@code getRuntimeContext} completes the interface.
 */
public interface CountingFunction extends CheckpointedFunction {

    PipelineCounters counters();

    /** Implemented by Flink's rich functions; set before state is initialized. */
    RuntimeContext getRuntimeContext();

    @Override
    default void initializeState(FunctionInitializationContext context) throws Exception {
        counters().restore(context);
        counters().register(getRuntimeContext());
    }

    @Override
    default void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters().snapshot();
    }
}
