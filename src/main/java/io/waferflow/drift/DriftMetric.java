package io.waferflow.drift;

import io.waferflow.model.NamedInSavepoints;

/**
 * One drift test of one feature over one drift window (SPEC 2.2 "Drift metrics"): written to Parquet, the latest per
 * feature to Redis, and (moderate or drift) passed to alerting. A Flink POJO; a statistic that was not computed (too
 * little data, a baseline still forming) stays NaN.
 */
@NamedInSavepoints
public class DriftMetric {

    public String feature;
    /**
     * The group judged ({@code tester_id=T07}, {@code drift.group_by}); null for the parameter overall. Added after
     * release 0.1.0: restored metrics have none.
     */
    public String driftGroup;

    public long windowStart;
    public long windowEnd;
    /** Where the baseline came from: {@code stream:<start>..<end>} or {@code file:<name>}. */
    public String baselineId;

    public long nBaseline;
    public long nCurrent;
    public double baselineMean = Double.NaN;
    public double baselineStd = Double.NaN;
    public double currentMean = Double.NaN;
    public double currentStd = Double.NaN;
    /** (current mean − baseline mean) / baseline std. */
    public double shiftSigma = Double.NaN;

    public double psi = Double.NaN;
    /** KS distance measured between the two (possibly sketched) distributions. */
    public double ksD = Double.NaN;
    /** max(0, D − ε_baseline − ε_current): the smallest D the true distributions can have. */
    public double ksDLower = Double.NaN;
    /** p-value of {@link #ksD} from the true sample sizes (what a tool that trusts the sketch would report). */
    public double ksPValue = Double.NaN;
    /** p-value of {@link #ksDLower}: what the verdict uses; below α only for shifts beyond sketch error. */
    public double ksPValueConservative = Double.NaN;
    /** Asymptotic critical D at the configured α. */
    public double ksCritical = Double.NaN;

    public double rankErrorBaseline = Double.NaN;
    public double rankErrorCurrent = Double.NaN;
    /** Both sides exact (every value known): a plain KS test. */
    public boolean exact;

    public DriftVerdict verdict;

    public DriftMetric() {}

    @Override
    public String toString() {
        return String.format(
                "%s [%d, %d) %s psi=%.4f D=%.4f p=%.3g n=%d/%d shift=%.2fσ",
                driftGroup == null ? feature : feature + "@" + driftGroup,
                windowStart,
                windowEnd,
                verdict == null ? "?" : verdict.label(),
                psi,
                ksD,
                ksPValueConservative,
                nBaseline,
                nCurrent,
                shiftSigma);
    }
}
