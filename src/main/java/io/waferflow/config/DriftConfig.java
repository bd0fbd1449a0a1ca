package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Drift detection settings ({@code drift.*}, SPEC 4 "PSI", "KS", "Sketches", "Baselines"): the drift window, the sketch
 * size, the verdict thresholds and where each feature's baseline comes from. The drift stage reads a baseline file;
 * here it is only required when drift reads one.
 *
 * @param groupBy input fields each parameter is also judged by, one group per value ({@code tester_id}); empty: overall
 *     only. Checked against the schema by {@link FeaturesJobConfig}.
 * @param maxGroups groups per parameter and field at most; the values seen after the cap is reached are judged together
 *     as {@code <field>=(other)}
 */
public record DriftConfig(
        boolean enabled,
        Duration window,
        int sketchK,
        double alpha,
        double psiModerate,
        double psiDrift,
        int minBaseline,
        int minCurrent,
        Baseline baseline,
        List<String> groupBy,
        int maxGroups)
        implements Serializable {

    public enum BaselineFrom {
        STREAM_RECORDS,
        STREAM_PERIOD,
        FILE
    }

    public DriftConfig {
        if (window.toMillis() < 1) {
            throw InvalidValue.at("window", "is zero", "set a drift window such as \"1 h\"");
        }
        Check.between("sketch_k", sketchK, 8, 65535);
        if (!(alpha > 0 && alpha < 1)) {
            throw InvalidValue.at("alpha", "is " + alpha + ", not a significance level", "set e.g. 0.05");
        }
        if (psiModerate < 0 || psiDrift < psiModerate) {
            throw InvalidValue.at(
                    "psi_drift",
                    "is below drift.psi_moderate or negative",
                    "use the usual 0.1 (moderate) and 0.25 (drift)");
        }
        Check.between("min_baseline", minBaseline, 1, Integer.MAX_VALUE);
        Check.between("min_current", minCurrent, 1, Integer.MAX_VALUE);
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
        if (groupBy.stream().distinct().count() < groupBy.size()) {
            throw InvalidValue.at("group_by", "names a field twice: " + groupBy, "list each field once");
        }
        Check.between("max_groups", maxGroups, 1, 1024);
        if (enabled && baseline.from() == BaselineFrom.FILE && baseline.file().isEmpty()) {
            throw InvalidValue.at(
                    "baseline.file",
                    "is empty but drift.baseline.from is file",
                    "build one with 'bin/waferflow baseline --input <history> --out <file>' and set its path");
        }
    }

    /**
     * {@code drift.baseline}: a feature's first drift windows until it has {@code records} values (stream_records), the
     * drift windows within {@code period} of the first (stream_period), or a file built from history.
     */
    public record Baseline(BaselineFrom from, int records, Duration period, String file) implements Serializable {

        public Baseline {
            Check.between("records", records, 1, Integer.MAX_VALUE);
        }
    }

    /** The same settings without grouping (drift per parameter only). */
    public DriftConfig withoutGroups() {
        return new DriftConfig(
                enabled,
                window,
                sketchK,
                alpha,
                psiModerate,
                psiDrift,
                minBaseline,
                minCurrent,
                baseline,
                List.of(),
                maxGroups);
    }

    public boolean grouped() {
        return enabled && !groupBy.isEmpty();
    }

    /** The verdict thresholds. */
    public DriftRule rule() {
        return new DriftRule(alpha, psiModerate, psiDrift, minBaseline, minCurrent);
    }

    public BaselineFrom baselineFrom() {
        return baseline.from();
    }

    public long baselineRecords() {
        return baseline.records();
    }

    public Duration baselinePeriod() {
        return baseline.period();
    }

    public String baselineFile() {
        return baseline.file();
    }
}
