package io.waferflow.config;

import java.io.Serializable;

/**
 * The thresholds of a drift verdict (SPEC 4): KS at significance {@code alpha}, PSI bands, and the fewest values a side
 * needs before anything is said.
 */
public final class DriftRule implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final DriftRule DEFAULT = new DriftRule(0.05, 0.1, 0.25, 100, 100);

    public final double alpha;
    public final double psiModerate;
    public final double psiDrift;
    public final long minBaseline;
    public final long minCurrent;

    public DriftRule(double alpha, double psiModerate, double psiDrift, long minBaseline, long minCurrent) {
        this.alpha = alpha;
        this.psiModerate = psiModerate;
        this.psiDrift = psiDrift;
        this.minBaseline = minBaseline;
        this.minCurrent = minCurrent;
    }
}
