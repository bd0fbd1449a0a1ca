package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.Serializable;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * A password, token or key from the configuration. It prints as Flink's mask ({@code ******}) wherever it ends up in a
 * string (a log line, an exception, a debugger's view of the configuration); only {@link #value()} reveals it, and only
 * the client that needs it should call that.
 *
 * <p>Serializable because operators carry it to the TaskManagers: the value travels inside the serialized job graph
 * (Flink's blob store and HA storage, never shown by the REST API or web UI).
 */
public final class Secret implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Secret NONE = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** An empty value is "no secret" ({@link #isEmpty()}). Binds a secret key's value. */
    @JsonCreator
    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public static Secret none() {
        return NONE;
    }

    public String value() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** The value as a char array, for the JDK's key-store APIs. */
    public char[] chars() {
        return value.toCharArray();
    }

    @Override
    public String toString() {
        return isEmpty() ? "" : GlobalConfiguration.HIDDEN_CONTENT;
    }
}
