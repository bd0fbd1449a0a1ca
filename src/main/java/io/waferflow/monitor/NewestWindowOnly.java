package io.waferflow.monitor;

import io.waferflow.model.ModelMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes a model version's metrics only if they are of its newest window so far (any revision of it), keyed by
 * {@code model/version}: what a "latest" store (Redis) must hold, while a late revision of an older window, which the
 * Parquet table keeps, would otherwise replace it. State: the newest window end per model version, kept as long as the
 * model version has metrics (one long each).
 */
public class NewestWindowOnly extends KeyedProcessFunction<String, ModelMetrics, ModelMetrics> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> newestEnd;

    public static ValueStateDescriptor<Long> newestEndDescriptor() {
        return new ValueStateDescriptor<>("newest-window-end", Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) {
        newestEnd = getRuntimeContext().getState(newestEndDescriptor());
    }

    @Override
    public void processElement(ModelMetrics m, Context ctx, Collector<ModelMetrics> out) throws Exception {
        Long newest = newestEnd.value();
        if (newest == null || m.windowEnd >= newest) {
            newestEnd.update(m.windowEnd);
            out.collect(m);
        }
    }
}
