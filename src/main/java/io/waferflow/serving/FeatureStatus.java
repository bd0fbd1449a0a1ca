package io.waferflow.serving;

/** What a served feature value is, per entity and feature. */
public enum FeatureStatus {
    /** The stored value of the row. */
    PRESENT,
    /** The row holds the feature as null (stored as an empty string: the window could not compute it). */
    NULL,
    /** No row for the entity in this version, or the row lacks the feature. */
    NOT_FOUND,
    /** The row's window ended longer ago than the request's {@code max_age}; the stored value is given. */
    STALE,
    /** A default the request declared stood in for a value that was not found, null, stale or unavailable. */
    DEFAULT,
    /** Redis could not be reached and the request declared no default for this feature. */
    UNAVAILABLE
}
