package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.SecretKeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line options of a subcommand: {@code --name value}, {@code --name=value}, boolean {@code --flag}, and
 * repeatable {@code --set key=value} configuration overrides. Unknown options fail with the list of known ones.
 */
public final class Args {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> overrides = new ArrayList<>();

    private Args() {}

    /**
     * @param valued options that take a value
     * @param flags  options that take none
     */
    public static Args parse(String[] argv, Set<String> valued, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException(arg, "is not an option", "options start with --; see --help");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0 && !name.startsWith("set")) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                a.options.put(name, "true");
                continue;
            }
            if (!valued.contains(name) && !name.equals("set")) {
                throw new ConfigException("--" + name, "is not an option of this command",
                        "use one of " + known(valued, flags) + " (see --help)");
            }
            if (value == null) {
                if (i + 1 >= argv.length) {
                    throw new ConfigException("--" + name, "needs a value", "write --" + name + " <value>");
                }
                value = argv[++i];
            }
            if (name.equals("set")) {
                a.overrides.add(value);
            } else {
                a.options.put(name, value);
            }
        }
        return a;
    }

    private static String known(Set<String> valued, Set<String> flags) {
        List<String> all = new ArrayList<>();
        valued.forEach(v -> all.add("--" + v));
        flags.forEach(f -> all.add("--" + f));
        all.add("--set");
        return String.join(", ", all);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public String get(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public int integer(String name, int defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + name, "'" + v + "' is not a whole number", "pass e.g. --" + name + " 1000");
        }
    }

    /** An ISO-8601 instant option as epoch millis, or null when absent. */
    public Long instant(String name) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(v).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new io.waferflow.config.ConfigException("--" + name, "'" + v + "' is not an ISO-8601 instant",
                    "write e.g. 2026-11-27T00:00:00Z");
        }
    }

    public List<String> overrides() {
        return overrides;
    }

    /**
     * A command line as it may be shown (an error message, a log): the values of {@code --set} overrides of secret
     * keys masked, unless they are references such as {@code ${env:NAME}}.
     */
    public static String shown(String[] argv) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--set") && i + 1 < argv.length) {
                out.add(arg);
                out.add(SecretKeys.shownOverride(argv[++i]));
            } else if (arg.startsWith("--set=")) {
                out.add("--set=" + SecretKeys.shownOverride(arg.substring("--set=".length())));
            } else {
                out.add(arg);
            }
        }
        return String.join(" ", out);
    }
}
