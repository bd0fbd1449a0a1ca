package io.waferflow.model;

import io.waferflow.drift.Distribution;

/**
 * One parameter's values in one final wafer window: what the drift detector merges into its drift windows and judges
 * wafer by wafer (mean shift, IQR outliers). A Flink POJO.
 */
public class WaferParameterWindow {

    public String feature;
    /** The drift group these values belong to ({@code tester_id=T07}); null for all the wafer window's values. */
    public String group;

    public String waferId;
    public String lotId;
    public long windowStart;
    public long windowEnd;
    public long deviceCount;
    public Distribution distribution;

    public WaferParameterWindow() {}
}
