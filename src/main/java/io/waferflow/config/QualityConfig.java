package io.waferflow.config;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Record-level data-quality limits (SPEC 4 "Data quality"): which event times are plausible and which die
 * coordinates lie on the wafer map. Records outside them are quarantined: a far-future event time would drag the
 * watermark ahead and make every other record late, and a die off the map has no neighbours to compare with.
 */
public final class QualityConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long earliestEventTime;
    private final long maxFutureSkewMillis;
    private final int minX;
    private final int maxX;
    private final int minY;
    private final int maxY;
    private final double rangeViolationRate;
    private final double rejectFlaggedRate;
    private final int maxRecordBytes;
    private final int maxStringChars;
    private final double meanShiftSigma;
    private final double iqrFence;
    private final double quarantineRate;
    private final double iqrOutlierRate;

    /** Ids are tens of characters; 256 leaves room for any naming scheme. */
    public static final int DEFAULT_MAX_STRING_CHARS = 256;

    public QualityConfig(long earliestEventTime, long maxFutureSkewMillis, int minX, int maxX, int minY, int maxY,
                         double rangeViolationRate, double rejectFlaggedRate, int maxRecordBytes, int maxStringChars,
                         double meanShiftSigma, double iqrFence, double quarantineRate, double iqrOutlierRate) {
        this.maxStringChars = maxStringChars;
        this.iqrOutlierRate = iqrOutlierRate;
        this.quarantineRate = quarantineRate;
        this.meanShiftSigma = meanShiftSigma;
        this.iqrFence = iqrFence;
        this.maxRecordBytes = maxRecordBytes;
        this.rangeViolationRate = rangeViolationRate;
        this.rejectFlaggedRate = rejectFlaggedRate;
        this.earliestEventTime = earliestEventTime;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.minX = minX;
        this.maxX = maxX;
        this.minY = minY;
        this.maxY = maxY;
    }

    static QualityConfig from(RawConfig raw) {
        String key = "quality.event_time.earliest";
        long earliest;
        try {
            earliest = Instant.parse(raw.string(key)).toEpochMilli();
        } catch (DateTimeException e) {
            throw new ConfigException(key, "'" + raw.string(key) + "' is not an ISO-8601 instant",
                    "write e.g. 2000-01-01T00:00:00Z");
        }
        Duration skew = raw.duration("quality.event_time.max_future_skew");
        int minX = raw.integer("quality.wafer_map.min_x", -32768, 32767);
        int maxX = raw.integer("quality.wafer_map.max_x", -32768, 32767);
        int minY = raw.integer("quality.wafer_map.min_y", -32768, 32767);
        int maxY = raw.integer("quality.wafer_map.max_y", -32768, 32767);
        if (minX > maxX || minY > maxY) {
            throw new ConfigException("quality.wafer_map", "a minimum is above its maximum", "swap them");
        }
        double rangeRate = rate(raw, "quality.wafer.range_violation_rate");
        double reject = rate(raw, "quality.wafer.reject_flagged_rate");
        int maxBytes = raw.integer("quality.max_record_bytes", 64, Integer.MAX_VALUE);
        int maxChars = raw.optional("quality.max_string_chars").isPresent()
                ? raw.integer("quality.max_string_chars", 1, Integer.MAX_VALUE) : DEFAULT_MAX_STRING_CHARS;
        double shift = positive(raw, "quality.wafer.mean_shift_sigma");
        double fence = positive(raw, "quality.wafer.iqr_fence");
        return new QualityConfig(earliest, skew.toMillis(), minX, maxX, minY, maxY, rangeRate, reject, maxBytes,
                maxChars, shift, fence, rate(raw, "quality.wafer.quarantine_rate"),
                rate(raw, "quality.wafer.iqr_outlier_rate"));
    }

    private static double positive(RawConfig raw, String key) {
        double v = raw.number(key);
        if (!(v > 0)) {
            throw new ConfigException(key, "is " + v + ", not above zero", "set a positive number such as 2");
        }
        return v;
    }

    private static double rate(RawConfig raw, String key) {
        double v = raw.number(key);
        if (v < 0 || v > 1) {
            throw new ConfigException(key, "is " + v + ", not a share between 0 and 1", "write e.g. 0.05 for 5 %");
        }
        return v;
    }

    public long earliestEventTime() {
        return earliestEventTime;
    }

    public long maxFutureSkewMillis() {
        return maxFutureSkewMillis;
    }

    public boolean onWaferMap(int x, int y) {
        return x >= minX && x <= maxX && y >= minY && y <= maxY;
    }

    /** A parameter's share of flagged devices in a wafer window above this raises a quality event. */
    public double rangeViolationRate() {
        return rangeViolationRate;
    }

    /** A wafer window with a larger share of flagged devices is rejected. */
    public double rejectFlaggedRate() {
        return rejectFlaggedRate;
    }

    /** Messages larger than this are quarantined unparsed: one die's test record is a few hundred bytes. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * Longest value of a string field (an id), in characters; longer ones quarantine the record. Ids become Redis
     * keys, Parquet values, alert keys and alert texts: one of a megabyte would make an alert larger than the alert
     * topic accepts, and fail the job on every retry.
     */
    public int maxStringChars() {
        return maxStringChars;
    }

    /** A wafer window mean this many baseline σ from the baseline mean is a distribution shift. */
    public double meanShiftSigma() {
        return meanShiftSigma;
    }

    /** A wafer window with a larger share of quarantined records is a critical data-quality event. */
    public double quarantineRate() {
        return quarantineRate;
    }

    /** A window with a larger share of its values outside the fences raises an IQR-outlier event. */
    public double iqrOutlierRate() {
        return iqrOutlierRate;
    }

    /** Tukey's fence factor for IQR outliers within a wafer window. */
    public double iqrFence() {
        return iqrFence;
    }

    public String waferMap() {
        return "x " + minX + ".." + maxX + ", y " + minY + ".." + maxY;
    }
}
