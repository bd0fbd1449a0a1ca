package io.waferflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves references in a configuration value, so secrets never have to be written into a job file or onto a command
 * line: {@code ${env:NAME}} is the environment variable NAME, {@code ${file:PATH}} the content of a file (a single
 * trailing line break removed, as {@code echo} and Kubernetes secret files leave one). References may sit inside a
 * longer value ({@code ... password="${env:KAFKA_PASSWORD}";}); <code>$${</code> stands for a literal <code>${</code>.
 * Any other <code>${...}</code> is refused, so a shell-style <code>${NAME}</code> fails at start-up instead of becoming
 * a wrong password.
 *
 * <p>Self-contained on purpose: whatever binds the YAML (today {@link RawConfig}) calls {@link #resolve} on each value
 * it reads. Error messages name the key and the variable or file, never a resolved value.
 */
public final class ConfigReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");

    private ConfigReferences() {}

    /**
     * @param key the configuration key the value belongs to (for error messages)
     * @param environment environment lookup ({@code System::getenv} outside tests)
     */
    public static String resolve(String key, String value, Function<String, String> environment) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1) == null ? "${" : lookUp(key, m.group(1), environment);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the value refers to the environment or a file (and so is not written in the configuration). */
    public static boolean isReference(String value) {
        return value != null && value.trim().matches("\\$\\{(env|file):[^}]+}");
    }

    private static String lookUp(String key, String reference, Function<String, String> environment) {
        if (reference.startsWith("env:") && reference.length() > 4) {
            String name = reference.substring(4);
            String v = environment.apply(name);
            if (v == null) {
                throw new ConfigException(
                        key,
                        "refers to the environment variable " + name + ", which is not set",
                        "export " + name + " where the job is started, or use ${file:PATH}");
            }
            return v;
        }
        if (reference.startsWith("file:") && reference.length() > 5) {
            Path path = Path.of(reference.substring(5));
            try {
                String content = Files.readString(path, StandardCharsets.UTF_8);
                return content.endsWith("\r\n")
                        ? content.substring(0, content.length() - 2)
                        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            } catch (IOException | RuntimeException e) {
                // The exception's message is the path, or the reason; never the content.
                throw new ConfigException(
                        key,
                        "refers to the file " + path.toAbsolutePath() + ", which cannot be read ("
                                + e.getClass().getSimpleName() + ")",
                        "check the path and that the file is readable by the user that starts the job");
            }
        }
        int colon = reference.indexOf(':');
        throw new ConfigException(
                key,
                "has an unknown reference ${" + (colon < 0 ? "..." : reference.substring(0, colon) + ":...") + "}",
                "write ${env:NAME} or ${file:PATH} (or $${ for a literal ${)");
    }
}
