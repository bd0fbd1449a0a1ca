package io.waferflow.model;

/**
 * A wafer-level data-quality finding for one final window (SPEC 4 "Window-level rates"), for the alerting stage: too
 * many range violations of a parameter, or a wafer with too many flagged devices (rejected). A Flink POJO.
 */
public class QualityEvent {

    public static final String RANGE_VIOLATIONS = "range_violations";
    public static final String WAFER_REJECTED = "wafer_rejected";
    /** Most of a wafer window's records quarantined ({@code rate} is the quarantined share). */
    public static final String WAFER_QUARANTINED = "wafer_quarantined";
    /** A window mean far from the drift baseline ({@code rate} is the shift in baseline σ). */
    public static final String DISTRIBUTION_SHIFT = "distribution_shift";
    /** Values outside the window's Tukey fences ({@code rate} is their share, {@code threshold} the fence factor). */
    public static final String IQR_OUTLIERS = "iqr_outliers";

    public String type;
    public Severity severity;
    public String waferId;
    public String lotId;
    public long windowStart;
    public long windowEnd;
    /** The parameter concerned, or empty for wafer-level events. */
    public String field;
    /** The measured value: a share of the window's devices (0..1), or a shift in σ for distribution shifts. */
    public double rate;

    public double threshold;
    public long deviceCount;
    public String message;

    public QualityEvent() {}

    @Override
    public String toString() {
        return severity + " " + type + " " + waferId + " " + field + " " + rate + " > " + threshold;
    }
}
