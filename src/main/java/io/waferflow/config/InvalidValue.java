package io.waferflow.config;

/**
 * A bad value found while binding, before the key it belongs to is known: thrown by a record's constructor (with the
 * key relative to that record, e.g. {@code "slide"} in {@code feature_group.window}) or by a value parser (the key is
 * the value's own). {@link Binder} adds the path Jackson reports and turns it into a {@link ConfigException}.
 */
final class InvalidValue extends RuntimeException {

    private final String relativeKey;
    /** Quoted at the start of the message unless the key is secret; null: the problem says all. */
    private final String value;

    private final String problem;
    private final String fix;

    private InvalidValue(String relativeKey, String value, String problem, String fix) {
        super(relativeKey + ": " + (problem == null ? "missing" : problem), null, false, false);
        this.relativeKey = relativeKey;
        this.value = value;
        this.problem = problem;
        this.fix = fix;
    }

    /** A problem with the key {@code relativeKey} of the record being built ("" for the record itself). */
    static InvalidValue at(String relativeKey, String problem, String fix) {
        return new InvalidValue(relativeKey, null, problem, fix);
    }

    /** A key the record needs in this case although the file may leave it out (e.g. a sliding window's slide). */
    static InvalidValue missing(String relativeKey) {
        return new InvalidValue(relativeKey, null, null, null);
    }

    /** A value that cannot be read: the message starts with it (masked for a secret key). */
    static InvalidValue value(String value, String problem, String fix) {
        return new InvalidValue("", value, problem, fix);
    }

    /** The error for the record or value at {@code path}, in the configuration read from {@code source}. */
    ConfigException at(String path, String source) {
        String key = path.isEmpty() ? relativeKey : relativeKey.isEmpty() ? path : path + "." + relativeKey;
        if (problem == null) {
            return ConfigException.missing(key, source);
        }
        String shown = value == null ? "" : (SecretKeys.isSecret(key) ? "its value" : "'" + value + "'") + " ";
        return new ConfigException(key, shown + problem, fix);
    }
}
