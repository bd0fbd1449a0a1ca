package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import io.waferflow.model.WaferParameterWindow;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wafer-window checks against the seed notebook's definitions, computed here from the raw values. */
class WaferDistributionRulesTest {

    private final WaferDistributionRules rules = new WaferDistributionRules(2.0, 1.5, 0.01, 200);

    private static WaferParameterWindow window(double[] values) {
        WaferParameterWindow w = new WaferParameterWindow();
        w.feature = "vdd";
        w.waferId = "W1";
        w.lotId = "L1";
        w.windowStart = 0;
        w.windowEnd = 60_000;
        w.deviceCount = values.length;
        w.distribution = Distribution.ofValues(values, 200);
        return w;
    }

    private static Baseline baseline(double mean, double std) {
        Random r = new Random(3);
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + std * r.nextGaussian();
        }
        Baseline b = new Baseline();
        b.distribution = Distribution.ofValues(v, 200);
        b.complete = true;
        return b;
    }

    @Test
    void iqrOutliersAreCountedAsTukeyDefinesThem() {
        Random r = new Random(11);
        double[] values = new double[180];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1.2 + 0.02 * r.nextGaussian();
        }
        values[0] = 1.5;
        values[1] = 0.9;
        values[2] = 1.45;
        // Nearest-rank quartiles of the sorted values, Tukey's fences, and a plain count.
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double q1 = sorted[(int) Math.ceil(0.25 * sorted.length) - 1];
        double q3 = sorted[(int) Math.ceil(0.75 * sorted.length) - 1];
        double low = q1 - 1.5 * (q3 - q1);
        double high = q3 + 1.5 * (q3 - q1);
        long expected = Arrays.stream(values).filter(v -> v < low || v > high).count();
        assertThat(expected).isGreaterThanOrEqualTo(3);

        List<QualityEvent> events = rules.check(window(values), null);
        assertThat(new WaferDistributionRules(2.0, 1.5, (double) expected / values.length, 200)
                        .check(window(values), null))
                .as("at the rate limit")
                .isEmpty();
        assertThat(events).hasSize(1);
        QualityEvent e = events.get(0);
        assertThat(e.type).isEqualTo(QualityEvent.IQR_OUTLIERS);
        assertThat(e.severity).isEqualTo(Severity.LOW);
        assertThat(e.rate).isCloseTo((double) expected / values.length, within(1e-12));
        assertThat(e.message).contains(expected + " outliers");
    }

    @Test
    void aWindowMeanBeyondTwoBaselineSigmaIsADistributionShift() {
        Baseline b = baseline(1.2, 0.02);
        double sigma = b.distribution.std();
        // A tight window (no IQR outliers: values evenly spread) whose mean sits 2.5 σ above the baseline mean.
        double[] shifted = new double[100];
        double[] centred = new double[100];
        for (int i = 0; i < 100; i++) {
            double spread = (i - 49.5) * 1e-5;
            shifted[i] = b.distribution.mean + 2.5 * sigma + spread;
            centred[i] = b.distribution.mean + 1.9 * sigma + spread;
        }
        List<QualityEvent> events = rules.check(window(shifted), b);
        assertThat(events).extracting(ev -> ev.type).containsExactly(QualityEvent.DISTRIBUTION_SHIFT);
        assertThat(events.get(0).severity).isEqualTo(Severity.HIGH);
        assertThat(events.get(0).rate).isCloseTo(2.5, within(1e-6));
        assertThat(rules.check(window(centred), b)).isEmpty();

        Baseline forming = baseline(1.2, 0.02);
        forming.complete = false;
        assertThat(rules.check(window(shifted), forming))
                .as("no baseline yet: no shift verdict")
                .isEmpty();
    }

    @Test
    void noneChecksNothing() {
        Baseline b = baseline(1.2, 0.02);
        double[] shiftedWithOutliers = new double[100];
        for (int i = 0; i < 100; i++) {
            shiftedWithOutliers[i] = i < 90 ? 1.3 : 9; // 5 σ off, and 10 % far outside the fences
        }
        assertThat(rules.check(window(shiftedWithOutliers), b)).hasSize(2);
        assertThat(WaferDistributionRules.none().check(window(shiftedWithOutliers), b))
                .isEmpty();
    }
}
