package io.waferflow.drift;

import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import io.waferflow.model.WaferParameterWindow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Wafer-window checks of one parameter's values (SPEC 4 "Data quality", from the seed notebook's validator):
 *
 * <ul>
 *   <li><b>distribution shift</b> (high): the window mean lies more than {@code meanShiftSigma} baseline standard
 *       deviations from the baseline mean (|mean − μ_b| / σ_b, as the notebook computes it);
 *   <li><b>IQR outliers</b> (low): more than {@code iqrOutlierRate} of the values outside Tukey's fences [Q1 − f·IQR,
 *       Q3 + f·IQR] of the window's own quartiles (normal data has about 0.7 % outside; the notebook reports any, which
 *       floods). Counted from the window's sketch: exact while the window has at most k values of the parameter, within
 *       the sketch's rank error beyond.
 * </ul>
 */
public final class WaferDistributionRules implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double meanShiftSigma;
    private final double iqrFence;
    private final double iqrOutlierRate;
    private final int k;
    /** False for {@link #none()}. */
    private final boolean checking;

    public WaferDistributionRules(double meanShiftSigma, double iqrFence, double iqrOutlierRate, int k) {
        this(meanShiftSigma, iqrFence, iqrOutlierRate, k, true);
    }

    private WaferDistributionRules(
            double meanShiftSigma, double iqrFence, double iqrOutlierRate, int k, boolean checking) {
        this.meanShiftSigma = meanShiftSigma;
        this.iqrFence = iqrFence;
        this.iqrOutlierRate = iqrOutlierRate;
        this.k = k;
        this.checking = checking;
    }

    /**
     * Rules that check nothing, for a drift detector whose inputs are not wafer windows (the monitor's windows of a
     * model's inputs: a window of predictions has no wafer whose mean or outliers could be judged).
     */
    public static WaferDistributionRules none() {
        return new WaferDistributionRules(Double.NaN, Double.NaN, Double.NaN, 0, false);
    }

    /** The events of one wafer window; the mean-shift check only once the baseline is complete. */
    public List<QualityEvent> check(WaferParameterWindow w, Baseline baseline) {
        List<QualityEvent> events = new ArrayList<>(0);
        Distribution d = w.distribution;
        if (!checking || d == null || d.isEmpty()) {
            return events;
        }
        if (baseline != null && baseline.complete && baseline.distribution.std() > 0) {
            double shift = Math.abs(d.mean - baseline.distribution.mean) / baseline.distribution.std();
            if (shift > meanShiftSigma) {
                events.add(event(
                        w,
                        QualityEvent.DISTRIBUTION_SHIFT,
                        Severity.HIGH,
                        shift,
                        meanShiftSigma,
                        String.format(
                                "%s mean %.6g on wafer %s is %.1f baseline σ from the baseline mean %.6g "
                                        + "(σ %.4g, limit %.1f σ)",
                                w.feature,
                                d.mean,
                                w.waferId,
                                shift,
                                baseline.distribution.mean,
                                baseline.distribution.std(),
                                meanShiftSigma)));
            }
        }
        StepCdf cdf = StepCdf.of(d, k);
        double q1 = cdf.quantile(0.25);
        double q3 = cdf.quantile(0.75);
        double iqr = q3 - q1;
        double low = q1 - iqrFence * iqr;
        double high = q3 + iqrFence * iqr;
        double outside = cdf.cdf(Math.nextDown(low)) + (1 - cdf.cdf(high));
        long outliers = Math.round(outside * d.n);
        if (outliers > 0 && (double) outliers / d.n > iqrOutlierRate) {
            events.add(event(
                    w,
                    QualityEvent.IQR_OUTLIERS,
                    Severity.LOW,
                    (double) outliers / d.n,
                    iqrFence,
                    String.format(
                            "%s has %d outliers on wafer %s (%.1f %% of %d values outside [%.6g, %.6g], "
                                    + "Q1 − %.1f·IQR .. Q3 + %.1f·IQR)",
                            w.feature,
                            outliers,
                            w.waferId,
                            100.0 * outliers / d.n,
                            d.n,
                            low,
                            high,
                            iqrFence,
                            iqrFence)));
        }
        return events;
    }

    private static QualityEvent event(
            WaferParameterWindow w, String type, Severity severity, double rate, double threshold, String message) {
        QualityEvent e = new QualityEvent();
        e.type = type;
        e.severity = severity;
        e.waferId = w.waferId;
        e.lotId = w.lotId;
        e.windowStart = w.windowStart;
        e.windowEnd = w.windowEnd;
        e.field = w.feature;
        e.rate = rate;
        e.threshold = threshold;
        e.deviceCount = w.deviceCount;
        e.message = message;
        return e;
    }
}
