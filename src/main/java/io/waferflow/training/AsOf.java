package io.waferflow.training;

import java.util.Locale;

/** Which feature rows a label may see (docs/training-sets.md, "Point in time"). */
public enum AsOf {
    /** Rows whose window ended strictly before the label time. */
    WINDOW_END,
    /** Those rows, and only if they were written to the offline store no later than the label time. */
    AVAILABLE;

    /** The command-line spelling: {@code window_end}, {@code available}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AsOf of(String spelling) {
        for (AsOf a : values()) {
            if (a.spelling().equals(spelling)) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + spelling + "' is not window_end or available");
    }
}
