package io.waferflow.config;

/** JSON value types a schema field can declare. */
public enum FieldType {
    /** ISO-8601 string or epoch milliseconds. */
    TIMESTAMP,
    STRING,
    /** A whole JSON number that fits in 32 bits. */
    INT,
    /** Any JSON number, stored as a double. */
    FLOAT
}
