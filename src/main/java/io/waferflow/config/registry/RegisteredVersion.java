package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * One version of a feature group in its registry file ({@code versions[]}): its name, the day it was registered, what
 * changed from the version before, and what it computes.
 */
public record RegisteredVersion(String version, String date, String changes, VersionDefinition definition) {

    /** Every key present and sensible (see {@link RegisteredGroup#check}). */
    void check() {
        if (version == null || !version.matches("[A-Za-z0-9_\\-]+")) {
            throw new ConfigException(
                    "versions[].version", "is '" + version + "'", "write a version name such as v2 (letters, digits)");
        }
        String where = "versions[" + version + "]";
        try {
            LocalDate.parse(String.valueOf(date));
        } catch (DateTimeParseException e) {
            throw new ConfigException(where + ".date", "is '" + date + "', not a date", "write e.g. 2026-12-03");
        }
        if (changes == null || changes.isBlank()) {
            throw new ConfigException(
                    where + ".changes", "is missing", "say what changed from the version before (or 'First version')");
        }
        if (definition == null) {
            throw new ConfigException(
                    where + ".definition", "is missing", "record the version's window and parameters");
        }
        definition.check(where + ".definition");
    }
}
