package io.waferflow.ingest;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.Violation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Routes parsed messages: valid records (possibly flagged) go on as {@link DeviceTest}s, every violation goes to
 * {@link #VIOLATIONS}, and a quarantined record goes on only as a {@link DeviceTest#quarantined quarantine marker} when
 * its wafer and event time are known (for its window's quarantine rate).
 *
 * <p>Every message is counted in {@code records_in} and in exactly one of {@code records_valid} (passed parsing) and
 * {@code records_quarantined}; violations are counted by severity ({@code violations_<severity>}) and by rule
 * ({@code violation_rule_<rule>}). The counts are operator state ({@link PipelineCounters}); nothing else is.
 */
public class RouteDeviceTests extends ProcessFunction<ParsedDeviceTest, DeviceTest> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Violation> VIOLATIONS = new OutputTag<>("violations") {};

    private final PipelineCounters counters = new PipelineCounters();
    private final RouteCounts counts = new RouteCounts(counters);

    public RouteDeviceTests() {}

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void processElement(ParsedDeviceTest parsed, Context ctx, Collector<DeviceTest> out) {
        counts.count(parsed.violations, parsed.quarantined);
        for (Violation v : parsed.violations) {
            ctx.output(VIOLATIONS, v);
        }
        if (parsed.quarantined) {
            if (parsed.attributable) {
                // In the main stream, not a side output: a second channel would let records overtake watermarks
                // and make lateness depend on network timing.
                out.collect(parsed.quarantineMarker());
            }
        } else {
            out.collect(parsed.record);
        }
    }
}
