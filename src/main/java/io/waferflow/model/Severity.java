package io.waferflow.model;

/**
 * How bad a data-quality violation is (SPEC 4). CRITICAL and HIGH quarantine the record; MEDIUM and LOW let it through,
 * flagged.
 */
public enum Severity {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW;

    public boolean quarantines() {
        return this == CRITICAL || this == HIGH;
    }
}
