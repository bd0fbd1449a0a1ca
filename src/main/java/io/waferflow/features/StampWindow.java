package io.waferflow.features;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Stamps a fired window's summary with its wafer and bounds. Stateless: per-window state is not available for merging
 * (session) windows, so the revision of a re-fired window is decided by {@link WaferFeatureFinalizer}.
 */
public class StampWindow extends ProcessWindowFunction<WaferWindowSummary, WaferWindowSummary, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            String waferId, Context ctx, Iterable<WaferWindowSummary> results, Collector<WaferWindowSummary> out) {
        WaferWindowSummary s = results.iterator().next();
        s.features.waferId = waferId;
        s.features.windowStart = ctx.window().getStart();
        s.features.windowEnd = ctx.window().getEnd();
        out.collect(s);
    }
}
