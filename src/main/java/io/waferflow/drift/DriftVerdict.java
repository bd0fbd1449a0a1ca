package io.waferflow.drift;

import com.fasterxml.jackson.annotation.JsonValue;
import io.waferflow.model.NamedInSavepoints;

/** The answer of one drift test, in increasing order of concern. */
@NamedInSavepoints
public enum DriftVerdict {
    /** Too few values in the baseline or the current window to test. */
    INSUFFICIENT_DATA,
    STABLE,
    /** A shift beyond sketch error, with PSI between the moderate and the drift threshold. */
    MODERATE,
    /** A shift beyond sketch error, with PSI at or above the drift threshold. */
    DRIFT;

    /** How files and topics name the verdict. */
    @JsonValue
    public String label() {
        return name().toLowerCase();
    }
}
