package io.waferflow.config;


import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Drift detection settings ({@code drift.*}, SPEC 4 "PSI", "KS", "Sketches", "Baselines"): the drift window, the
 * sketch size, the verdict thresholds and where each feature's baseline comes from. A baseline file is read and
 * checked here, at start-up, so a missing file or a feature it lacks fails before the job is built.
 */
public final class DriftConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum BaselineFrom { STREAM_RECORDS, STREAM_PERIOD, FILE }

    private final boolean enabled;
    private final Duration window;
    private final int sketchK;
    private final DriftRule rule;
    private final BaselineFrom baselineFrom;
    private final long baselineRecords;
    private final Duration baselinePeriod;
    private final String baselineFile;

    private DriftConfig(boolean enabled, Duration window, int sketchK, DriftRule rule, BaselineFrom baselineFrom,
                        long baselineRecords, Duration baselinePeriod, String baselineFile) {
        this.enabled = enabled;
        this.window = window;
        this.sketchK = sketchK;
        this.rule = rule;
        this.baselineFrom = baselineFrom;
        this.baselineRecords = baselineRecords;
        this.baselinePeriod = baselinePeriod;
        this.baselineFile = baselineFile;
    }

    static DriftConfig from(RawConfig raw, List<String> parameters) {
        boolean enabled = raw.bool("drift.enabled", true);
        Duration window = raw.duration("drift.window");
        if (window.toMillis() < 1) {
            throw new ConfigException("drift.window", "is zero", "set a drift window such as \"1 h\"");
        }
        int k = raw.integer("drift.sketch_k", 8, 65535);
        double alpha = raw.number("drift.alpha");
        if (!(alpha > 0 && alpha < 1)) {
            throw new ConfigException("drift.alpha", "is " + alpha + ", not a significance level", "set e.g. 0.05");
        }
        double moderate = raw.number("drift.psi_moderate");
        double drift = raw.number("drift.psi_drift");
        if (moderate < 0 || drift < moderate) {
            throw new ConfigException("drift.psi_drift", "is below drift.psi_moderate or negative",
                    "use the usual 0.1 (moderate) and 0.25 (drift)");
        }
        long minBaseline = raw.integer("drift.min_baseline", 1, Integer.MAX_VALUE);
        long minCurrent = raw.integer("drift.min_current", 1, Integer.MAX_VALUE);
        BaselineFrom from;
        try {
            from = BaselineFrom.valueOf(raw.string("drift.baseline.from").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("drift.baseline.from", "'" + raw.string("drift.baseline.from") + "' is unknown",
                    "use stream_records, stream_period or file");
        }
        long records = raw.integer("drift.baseline.records", 1, Integer.MAX_VALUE);
        Duration period = raw.duration("drift.baseline.period");
        Optional<String> file = raw.optional("drift.baseline.file");
        if (from == BaselineFrom.FILE && enabled) {
            if (file.isEmpty()) {
                throw new ConfigException("drift.baseline.file", "is empty but drift.baseline.from is file",
                        "build one with 'bin/waferflow baseline --input <history> --out <file>' and set its path");
            }
        }
        return new DriftConfig(enabled, window, k, new DriftRule(alpha, moderate, drift, minBaseline, minCurrent),
                from, records, period, file.orElse(""));
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration window() {
        return window;
    }

    public int sketchK() {
        return sketchK;
    }

    public DriftRule rule() {
        return rule;
    }

    public BaselineFrom baselineFrom() {
        return baselineFrom;
    }

    public long baselineRecords() {
        return baselineRecords;
    }

    public Duration baselinePeriod() {
        return baselinePeriod;
    }

    public String baselineFile() {
        return baselineFile;
    }
}
