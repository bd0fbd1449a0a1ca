package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Record-level data-quality limits ({@code quality.*}, SPEC 4 "Data quality"): which event times are plausible and
 * which die coordinates lie on the wafer map. Records outside them are quarantined: a far-future event time would drag
 * the watermark ahead and make every other record late, and a die off the map has no neighbours to compare with.
 *
 * @param maxRecordBytes messages larger than this are quarantined unparsed: one die's test record is a few hundred
 *     bytes
 * @param maxStringChars longest value of a string field (an id), in characters; longer ones quarantine the record. Ids
 *     become Redis keys, Parquet values, alert keys and alert texts: one of a megabyte would make an alert larger than
 *     the alert topic accepts, and fail the job on every retry.
 */
public record QualityConfig(
        int maxRecordBytes, int maxStringChars, EventTime eventTime, WaferMap waferMap, WaferRules wafer)
        implements Serializable {

    public QualityConfig {
        Check.between("max_record_bytes", maxRecordBytes, 64, Integer.MAX_VALUE);
        Check.between("max_string_chars", maxStringChars, 1, Integer.MAX_VALUE);
    }

    /**
     * {@code quality.event_time}: event times before {@code earliest}, or this far ahead of their message, are
     * implausible.
     */
    public record EventTime(Instant earliest, Duration maxFutureSkew) implements Serializable {}

    /** {@code quality.wafer_map}: the die coordinates on the wafer. */
    public record WaferMap(int minX, int maxX, int minY, int maxY) implements Serializable {

        public WaferMap {
            Check.between("min_x", minX, -32768, 32767);
            Check.between("max_x", maxX, -32768, 32767);
            Check.between("min_y", minY, -32768, 32767);
            Check.between("max_y", maxY, -32768, 32767);
            if (minX > maxX || minY > maxY) {
                throw InvalidValue.at("", "a minimum is above its maximum", "swap them");
            }
        }

        public boolean contains(int x, int y) {
            return x >= minX && x <= maxX && y >= minY && y <= maxY;
        }

        @Override
        public String toString() {
            return "x " + minX + ".." + maxX + ", y " + minY + ".." + maxY;
        }
    }

    /** {@code quality.wafer}: the wafer-window quality events. */
    public record WaferRules(
            double rangeViolationRate,
            double rejectFlaggedRate,
            double quarantineRate,
            double meanShiftSigma,
            double iqrFence,
            double iqrOutlierRate)
            implements Serializable {

        public WaferRules {
            Check.share("range_violation_rate", rangeViolationRate);
            Check.share("reject_flagged_rate", rejectFlaggedRate);
            Check.share("quarantine_rate", quarantineRate);
            Check.positive("mean_shift_sigma", meanShiftSigma);
            Check.positive("iqr_fence", iqrFence);
            Check.share("iqr_outlier_rate", iqrOutlierRate);
        }
    }

    public long earliestEventTime() {
        return eventTime.earliest().toEpochMilli();
    }

    public long maxFutureSkewMillis() {
        return eventTime.maxFutureSkew().toMillis();
    }

    public boolean onWaferMap(int x, int y) {
        return waferMap.contains(x, y);
    }

    /** A parameter's share of flagged devices in a wafer window above this raises a quality event. */
    public double rangeViolationRate() {
        return wafer.rangeViolationRate();
    }

    /** A wafer window with a larger share of flagged devices is rejected. */
    public double rejectFlaggedRate() {
        return wafer.rejectFlaggedRate();
    }

    /** A wafer window mean this many baseline σ from the baseline mean is a distribution shift. */
    public double meanShiftSigma() {
        return wafer.meanShiftSigma();
    }

    /** A wafer window with a larger share of quarantined records is a critical data-quality event. */
    public double quarantineRate() {
        return wafer.quarantineRate();
    }

    /** A window with a larger share of its values outside the fences raises an IQR-outlier event. */
    public double iqrOutlierRate() {
        return wafer.iqrOutlierRate();
    }

    /** Tukey's fence factor for IQR outliers within a wafer window. */
    public double iqrFence() {
        return wafer.iqrFence();
    }
}
