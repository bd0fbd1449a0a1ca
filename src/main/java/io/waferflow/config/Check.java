package io.waferflow.config;

import java.time.Duration;

/**
 * The value checks the configuration records share; keys are relative to the record that checks (see
 * {@link InvalidValue}).
 */
final class Check {

    private Check() {}

    static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw InvalidValue.at(
                    key, "is " + value + ", outside " + min + ".." + max, "set a value between " + min + " and " + max);
        }
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0)) {
            throw InvalidValue.at(key, "is " + value + ", not above zero", "set a positive number such as 2");
        }
        return value;
    }

    /** A rate: a share between 0 and 1. */
    static double share(String key, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw InvalidValue.at(key, "is " + value + ", not a share between 0 and 1", "write e.g. 0.05 for 5 %");
        }
        return value;
    }

    /** A required duration that must be above zero (a key that is optional in the file, required in this case). */
    static Duration positive(String key, Duration value) {
        if (value == null) {
            throw InvalidValue.missing(key);
        }
        if (value.isZero()) {
            throw InvalidValue.at(key, "is zero", "set a positive duration such as \"5 min\"");
        }
        return value;
    }

    /** Names that end up in Redis keys and Parquet paths: kept to a safe alphabet. */
    static String identifier(String key, String value) {
        if (!value.matches("[A-Za-z0-9_\\-]+")) {
            throw InvalidValue.at(
                    key,
                    "'" + value + "' has characters that are unsafe in Redis keys and paths",
                    "use letters, digits, '_' and '-' only");
        }
        return value;
    }
}
