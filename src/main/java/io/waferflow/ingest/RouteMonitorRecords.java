package io.waferflow.ingest;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.Actual;
import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Prediction;
import io.waferflow.model.Violation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Routes the parsed messages of one monitor topic: a sound prediction (or actual) goes on, the violations of a
 * quarantined one go to {@link #VIOLATIONS}. Every message is counted in {@code <topic>_records_in} and in exactly one
 * of {@code <topic>_records_valid} and {@code <topic>_records_quarantined} ({@code predictions_} or {@code actuals_});
 * violations by severity and rule, as the device tests' routing counts them. The counts are operator state; nothing
 * else is.
 */
public class RouteMonitorRecords<T> extends ProcessFunction<ParsedMonitorRecord, T> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> VIOLATIONS = new OutputTag<>("monitor-input-violations") {};

    private final SerializableFunction<ParsedMonitorRecord, T> record;
    private final PipelineCounters counters = new PipelineCounters();
    private final RouteCounts counts;

    private RouteMonitorRecords(SerializableFunction<ParsedMonitorRecord, T> record, String counterPrefix) {
        this.record = record;
        this.counts = new RouteCounts(counters, counterPrefix);
    }

    public static RouteMonitorRecords<Prediction> predictions() {
        return new RouteMonitorRecords<>(parsed -> parsed.prediction, "predictions_");
    }

    public static RouteMonitorRecords<Actual> actuals() {
        return new RouteMonitorRecords<>(parsed -> parsed.actual, "actuals_");
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(ParsedMonitorRecord parsed, Context ctx, Collector<T> out) {
        T sound = record.apply(parsed);
        counts.count(parsed.violations, sound == null);
        for (Violation v : parsed.violations) {
            ctx.output(VIOLATIONS, v);
        }
        if (sound != null) {
            out.collect(sound);
        }
    }
}
