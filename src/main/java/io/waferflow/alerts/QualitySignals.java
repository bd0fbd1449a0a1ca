package io.waferflow.alerts;

import io.waferflow.model.QualityEvent;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A wafer-window quality event as an alert observation, keyed by wafer, field and type
 * ({@code dq:W0042:vdd:range_violations}, {@code dq:W0042:wafer_rejected}), or by parameter for findings against shared
 * distributions ({@code dq:vdd:distribution_shift}). Severity per SPEC 5: most of a wafer's records quarantined P0, a
 * rejected wafer P1, range violations over the rate and a shifted wafer mean P2, IQR outliers P3. Stateless.
 */
public class QualitySignals implements MapFunction<QualityEvent, AlertSignal> {

    private static final long serialVersionUID = 1L;

    public static final String POLICY = "data_quality";

    @Override
    public AlertSignal map(QualityEvent e) {
        Alert a = new Alert();
        a.type = e.type;
        if (perParameter(e.type)) {
            a.key = "dq:" + e.field + ":" + e.type;
            a.subject = e.field;
        } else {
            a.key = "dq:" + e.waferId + (e.field == null || e.field.isEmpty() ? "" : ":" + e.field) + ":" + e.type;
            a.subject = e.waferId;
        }
        a.severity = severity(e.type);
        a.waferId = e.waferId;
        a.lotId = e.lotId;
        a.field = e.field;
        a.rate = e.rate;
        a.threshold = e.threshold;
        a.windowStart = e.windowStart;
        a.windowEnd = e.windowEnd;
        a.title = title(e);
        a.message = e.message;
        return AlertSignal.of(a, POLICY, true);
    }

    /**
     * Shifted means and outliers are judged against distributions shared by all wafers, so a process change shows them
     * on every wafer at once: one alert per parameter (the wafer in its context is the latest one), not one per wafer.
     * The findings per wafer stay in {@code _quality_events}.
     */
    static boolean perParameter(String type) {
        return type.equals(QualityEvent.DISTRIBUTION_SHIFT) || type.equals(QualityEvent.IQR_OUTLIERS);
    }

    static AlertSeverity severity(String type) {
        switch (type) {
            case QualityEvent.WAFER_QUARANTINED:
                return AlertSeverity.P0;
            case QualityEvent.WAFER_REJECTED:
                return AlertSeverity.P1;
            case QualityEvent.IQR_OUTLIERS:
                return AlertSeverity.P3;
            default:
                return AlertSeverity.P2;
        }
    }

    private static String title(QualityEvent e) {
        switch (e.type) {
            case QualityEvent.WAFER_QUARANTINED:
                return "Wafer " + e.waferId + ": most records quarantined";
            case QualityEvent.WAFER_REJECTED:
                return "Wafer " + e.waferId + " rejected: too many devices out of range";
            case QualityEvent.RANGE_VIOLATIONS:
                return "Wafer " + e.waferId + ": " + e.field + " out of range on too many devices";
            case QualityEvent.DISTRIBUTION_SHIFT:
                return e.field + ": wafer means shifted from the baseline (latest: wafer " + e.waferId + ")";
            case QualityEvent.IQR_OUTLIERS:
                return e.field + ": wafers with many outliers (latest: wafer " + e.waferId + ")";
            default:
                return "Wafer " + e.waferId + ": " + e.type;
        }
    }
}
