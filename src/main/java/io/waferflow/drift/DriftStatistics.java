package io.waferflow.drift;

import io.waferflow.config.DriftRule;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * PSI and the two-sample Kolmogorov–Smirnov test between a baseline and a current distribution, and the verdict (SPEC
 * 4). The same code serves exact inputs (all values) and sketches; a sketch's rank error ε enters the verdict:
 *
 * <ul>
 *   <li>KS D is measured between the two step functions. The true D lies within D ± (ε_b + ε_c), so the test uses the
 *       lower bound D⁻ = max(0, D − ε_b − ε_c): its p-value ({@code ks_p_conservative}, from the true sample sizes) is
 *       below α only if the shift is larger than anything sketch error could produce. Sketch error alone therefore
 *       never makes a verdict worse than stable; with exact inputs ε = 0 and this is the plain KS test.
 *   <li>PSI uses 10 bins cut at the baseline's deciles; both sides' bin shares come from their CDFs at the cuts, empty
 *       bins are floored at 1e-4.
 *   <li>Verdict: insufficient data below the minimum sample sizes; otherwise drift when KS is significant beyond sketch
 *       error and PSI ≥ the drift threshold (0.25), moderate when significant and PSI ≥ 0.1, else stable (a shift KS
 *       can detect in a huge sample but too small to move PSI is not worth an alert).
 * </ul>
 *
 * p-values: Apache Commons Math's exact distribution when n_b · n_c &lt; 10,000, its asymptotic one otherwise, as its
 * own two-sample test does.
 */
public final class DriftStatistics {

    public static final int PSI_BINS = 10;
    public static final double PSI_FLOOR = 1e-4;
    private static final long EXACT_P_PRODUCT = 10_000;
    /** Below this t = D·√(nm/(n+m)) the Kolmogorov distribution's K(t) is under 1e-50: p = 1 in doubles. */
    private static final double SURELY_ONE_T = 0.1;

    private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

    private DriftStatistics() {}

    /** Compares two distributions given as step functions plus their exact moments. */
    public static DriftMetric compare(
            String feature,
            StepCdf baseline,
            Distribution baselineMoments,
            StepCdf current,
            Distribution currentMoments,
            DriftRule rule) {
        DriftMetric m = new DriftMetric();
        m.feature = feature;
        m.nBaseline = baseline.n();
        m.nCurrent = current.n();
        m.baselineMean = baselineMoments.isEmpty() ? Double.NaN : baselineMoments.mean;
        m.baselineStd = baselineMoments.std();
        m.currentMean = currentMoments.isEmpty() ? Double.NaN : currentMoments.mean;
        m.currentStd = currentMoments.std();
        m.shiftSigma = (m.currentMean - m.baselineMean) / m.baselineStd;
        m.rankErrorBaseline = baseline.rankError();
        m.rankErrorCurrent = current.rankError();
        m.exact = baseline.rankError() == 0 && current.rankError() == 0;
        if (baseline.isEmpty() || current.isEmpty()) {
            m.verdict = DriftVerdict.INSUFFICIENT_DATA;
            return m;
        }
        m.psi = psi(baseline, current);
        m.ksD = StepCdf.ksDistance(baseline, current);
        m.ksDLower = Math.max(0, m.ksD - baseline.rankError() - current.rankError());
        m.ksPValue = ksPValue(m.ksD, m.nBaseline, m.nCurrent);
        m.ksPValueConservative = ksPValue(m.ksDLower, m.nBaseline, m.nCurrent);
        m.ksCritical = ksCritical(rule.alpha, m.nBaseline, m.nCurrent);
        m.verdict = verdict(m, rule);
        return m;
    }

    public static DriftVerdict verdict(DriftMetric m, DriftRule rule) {
        if (m.nBaseline < rule.minBaseline || m.nCurrent < rule.minCurrent) {
            return DriftVerdict.INSUFFICIENT_DATA;
        }
        boolean significant = m.ksPValueConservative < rule.alpha;
        if (significant && m.psi >= rule.psiDrift) {
            return DriftVerdict.DRIFT;
        }
        if (significant && m.psi >= rule.psiModerate) {
            return DriftVerdict.MODERATE;
        }
        return DriftVerdict.STABLE;
    }

    /** Population stability index over 10 bins cut at the baseline's deciles. */
    public static double psi(StepCdf baseline, StepCdf current) {
        double[] cuts = new double[PSI_BINS - 1];
        for (int i = 1; i < PSI_BINS; i++) {
            cuts[i - 1] = baseline.quantile((double) i / PSI_BINS);
        }
        double psi = 0;
        double belowB = 0;
        double belowC = 0;
        for (int i = 0; i <= cuts.length; i++) {
            if (i < cuts.length && i > 0 && cuts[i] == cuts[i - 1]) {
                continue; // a tied decile makes an empty bin on both sides: no information, skip it
            }
            double upToB = i < cuts.length ? baseline.cdf(cuts[i]) : 1;
            double upToC = i < cuts.length ? current.cdf(cuts[i]) : 1;
            double b = Math.max(upToB - belowB, PSI_FLOOR);
            double c = Math.max(upToC - belowC, PSI_FLOOR);
            psi += (c - b) * Math.log(c / b);
            belowB = upToB;
            belowC = upToC;
        }
        return psi;
    }

    /** P(D ≥ d) for samples of sizes n and m (Commons Math). */
    public static double ksPValue(double d, long n, long m) {
        if (d <= 0) {
            return 1;
        }
        int a = (int) Math.min(n, Integer.MAX_VALUE);
        int b = (int) Math.min(m, Integer.MAX_VALUE);
        if ((double) n * m >= EXACT_P_PRODUCT && d * Math.sqrt((double) n * m / ((double) n + m)) < SURELY_ONE_T) {
            // Commons Math sums the Kolmogorov series term by term and throws TooManyIterationsException once it
            // needs 100,000 terms (t < ~5e-5, e.g. a sketch's D − ε just above 0 at large n); there 1 − K(t) is 1.
            return 1;
        }
        double p = (double) n * m < EXACT_P_PRODUCT ? KS.exactP(d, a, b, false) : KS.approximateP(d, a, b);
        return Math.min(1, Math.max(0, p));
    }

    /** The asymptotic critical D at significance alpha: c(α) · √((n + m) / (n · m)), c(α) = √(−ln(α/2) / 2). */
    public static double ksCritical(double alpha, long n, long m) {
        return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((double) (n + m) / ((double) n * m));
    }
}
