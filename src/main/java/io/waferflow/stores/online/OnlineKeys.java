package io.waferflow.stores.online;

/**
 * The online store's key layout: one Redis hash per (feature group, version, entity), {@code <prefix>:<feature
 * group>:<version>:<entity id>}, e.g. {@code wf:wafer_aggregates:v1:W0042}.
 */
public final class OnlineKeys {

    /** The row's features, packed into one field ({@link PackedFeatures}). */
    public static final String FEATURES = "features";

    public static final String LOT_ID = "lot_id";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String REVISION = "revision";
    public static final String FEATURE_VERSION = "feature_version";
    /** The job version (configuration {@code job.version}) that computed the row. */
    public static final String JOB_VERSION = "job_version";

    public static final String UPDATED_AT = "updated_at";
    /** How a null feature (NaN in the row) is stored: an empty string. */
    public static final String NULL = "";

    private OnlineKeys() {}

    public static String key(String prefix, String featureGroup, String version, String entityId) {
        return prefix + ":" + featureGroup + ":" + version + ":" + entityId;
    }

    public static String format(double value) {
        return Double.isNaN(value) ? NULL : Double.toString(value);
    }
}
