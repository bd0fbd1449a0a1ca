package io.waferflow.features;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a wafer's final window row into quality events: a parameter whose readings broke a value rule in more than
 * {@code rangeRateThreshold} of the devices (HIGH), and a wafer with more than {@code rejectThreshold} of its devices
 * flagged (rejected: HIGH; the alerting stage escalates), and a window in which more than {@code quarantineThreshold}
 * of the wafer's records were quarantined (CRITICAL: the wafer's data is unusable). Runs on final rows only, so each
 * window is judged once. Its only state is the count of events ({@code quality_events}).
 */
public class WaferQualityRules extends RichFlatMapFunction<WaferFeatures, QualityEvent> implements CountingFunction {

    private static final long serialVersionUID = 1L;

    private final List<String> parameterNames;
    private final double rangeRateThreshold;
    private final double rejectThreshold;
    private final double quarantineThreshold;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter events = counters.add(PipelineCounter.QUALITY_EVENTS);

    public WaferQualityRules(
            List<String> parameterNames,
            double rangeRateThreshold,
            double rejectThreshold,
            double quarantineThreshold) {
        this.parameterNames = List.copyOf(parameterNames);
        this.rangeRateThreshold = rangeRateThreshold;
        this.rejectThreshold = rejectThreshold;
        this.quarantineThreshold = quarantineThreshold;
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void flatMap(WaferFeatures f, Collector<QualityEvent> out) {
        for (int i = 0; i < parameterNames.size(); i++) {
            double rate = f.flaggedRate[i];
            if (rate > rangeRateThreshold) {
                emit(
                        out,
                        event(
                                f,
                                QualityEvent.RANGE_VIOLATIONS,
                                parameterNames.get(i),
                                rate,
                                rangeRateThreshold,
                                String.format(
                                        Locale.ROOT,
                                        "%.1f %% of %d devices of wafer %s have %s out of range (limit %.1f %%)",
                                        100 * rate,
                                        f.deviceCount,
                                        f.waferId,
                                        parameterNames.get(i),
                                        100 * rangeRateThreshold)));
            }
        }
        double flagged = f.devicesFlaggedPct / 100.0;
        if (flagged > rejectThreshold) {
            emit(
                    out,
                    event(
                            f,
                            QualityEvent.WAFER_REJECTED,
                            "",
                            flagged,
                            rejectThreshold,
                            String.format(
                                    Locale.ROOT,
                                    "wafer %s rejected: %.1f %% of %d devices out of range (limit %.1f %%)",
                                    f.waferId,
                                    100 * flagged,
                                    f.deviceCount,
                                    100 * rejectThreshold)));
        }
        if (f.quarantineRate > quarantineThreshold) {
            QualityEvent e = event(
                    f,
                    QualityEvent.WAFER_QUARANTINED,
                    "",
                    f.quarantineRate,
                    quarantineThreshold,
                    String.format(
                            Locale.ROOT,
                            "%.1f %% of wafer %s's records in this window were quarantined "
                                    + "(limit %.1f %%): its features rest on %d devices",
                            100 * f.quarantineRate,
                            f.waferId,
                            100 * quarantineThreshold,
                            f.deviceCount));
            e.severity = Severity.CRITICAL;
            emit(out, e);
        }
    }

    private void emit(Collector<QualityEvent> out, QualityEvent e) {
        events.inc();
        out.collect(e);
    }

    private static QualityEvent event(
            WaferFeatures f, String type, String field, double rate, double threshold, String message) {
        QualityEvent e = new QualityEvent();
        e.type = type;
        e.severity = Severity.HIGH;
        e.waferId = f.waferId;
        e.lotId = f.lotId;
        e.windowStart = f.windowStart;
        e.windowEnd = f.windowEnd;
        e.field = field;
        e.rate = rate;
        e.threshold = threshold;
        e.deviceCount = f.deviceCount;
        e.message = message;
        return e;
    }
}
