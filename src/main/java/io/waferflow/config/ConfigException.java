package io.waferflow.config;

/**
 * A configuration error found at start-up. The message always names the offending key and how to fix it, so a user
 * never has to read a stack trace to learn what is wrong with their YAML or command line.
 */
public final class ConfigException extends RuntimeException {

    private final String key;
    private final String problem;
    private final String fix;

    public ConfigException(String key, String problem, String fix) {
        super("Configuration key '" + key + "': " + problem + ". Fix: " + fix);
        this.key = key;
        this.problem = problem;
        this.fix = fix;
    }

    /** The same problem, its key prefixed with where it is (e.g. the file a key is in). */
    public ConfigException in(String where) {
        return new ConfigException(where + ": " + key, problem, fix);
    }

    /** A required key that the file and the overrides leave out or leave empty. */
    static ConfigException missing(String key, String source) {
        return new ConfigException(
                key, "is missing in " + source, "add it to the YAML file or pass --set " + key + "=<value>");
    }

    public String key() {
        return key;
    }
}
