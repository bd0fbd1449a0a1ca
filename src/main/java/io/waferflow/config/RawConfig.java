package io.waferflow.config;

import org.apache.flink.util.TimeUtils;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A YAML document flattened to dotted keys ({@code feature_group.window.size}), in document order, with command-line
 * overrides applied on top. Typed getters throw {@link ConfigException} naming the key and the fix.
 *
 * <p>Values may refer to the environment or to files ({@code ${env:NAME}}, {@code ${file:PATH}}, see
 * {@link ConfigReferences}); they are resolved when read, so the file and the overrides only ever hold the reference.
 * Values of secret keys ({@link SecretKeys}) never appear in messages or in {@link #toString()}.
 */
public final class RawConfig {

    private final Map<String, String> values;
    private final String source;
    private final Function<String, String> environment;

    private RawConfig(Map<String, String> values, String source, Function<String, String> environment) {
        this.values = values;
        this.source = source;
        this.environment = environment;
    }

    /** Loads a YAML file and applies {@code key=value} overrides in order. */
    public static RawConfig load(Path yamlFile, List<String> overrides) {
        if (!Files.isRegularFile(yamlFile)) {
            throw new ConfigException("--config", "file " + yamlFile.toAbsolutePath() + " does not exist",
                    "pass --config with the path of a job file such as jobs/features.yaml");
        }
        try (Reader reader = Files.newBufferedReader(yamlFile, StandardCharsets.UTF_8)) {
            return parse(reader, yamlFile.toString()).withOverrides(overrides);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + yamlFile + ": " + e.getMessage(),
                    "check the file's permissions");
        }
    }

    public static RawConfig parse(String yaml) {
        return parse(new StringReader(yaml), "<inline>");
    }

    private static RawConfig parse(Reader reader, String source) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new ConfigException(source, "is not valid YAML (" + e.getMessage().split("\n")[0] + ")",
                    "correct the YAML syntax at the reported line");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null) {
            if (!(root instanceof Map)) {
                throw new ConfigException(source, "top level is not a mapping", "start the file with keys such as 'kafka:'");
            }
            flatten("", (Map<?, ?>) root, flat);
        }
        return new RawConfig(flat, source, System::getenv);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(key + ".", (Map<?, ?>) v, out);
            } else if (v instanceof List) {
                List<String> parts = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    parts.add(String.valueOf(o));
                }
                out.put(key, String.join(",", parts));
            } else if (v instanceof java.util.Date) {
                // YAML reads unquoted timestamps as dates: keep them as ISO-8601 text, like every other value.
                out.put(key, ((java.util.Date) v).toInstant().toString());
            } else {
                out.put(key, v == null ? null : String.valueOf(v));
            }
        }
    }

    /**
     * Applies {@code dotted.key=value} overrides. A key must exist in the file, so a typo fails instead of being
     * ignored; only {@code schema.fields.*} (how a new field is declared) and {@code kafka.properties.*} (any Kafka
     * client setting) may add keys.
     */
    public RawConfig withOverrides(List<String> overrides) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(o, "override is not of the form key=value",
                        "write --set feature_group.window.size=\"1 min\"");
            }
            String key = o.substring(0, eq).trim();
            if (!values.containsKey(key) && !key.startsWith("schema.fields.")
                    && !key.startsWith(SecretKeys.KAFKA_PROPERTIES)) {
                throw new ConfigException(key, "is not a key of " + source,
                        "check the spelling against the file (keys are dotted paths such as redis.ttl)");
            }
            copy.put(key, o.substring(eq + 1).trim());
        }
        return new RawConfig(copy, source, environment);
    }

    /** The same configuration, resolving {@code ${env:NAME}} from the given lookup instead of the process's. */
    public RawConfig withEnvironment(Function<String, String> lookup) {
        return new RawConfig(values, source, lookup);
    }

    public RawConfig with(String key, String value) {
        return withOverrides(List.of(key + "=" + value));
    }

    public String source() {
        return source;
    }

    public Optional<String> optional(String key) {
        String v = ConfigReferences.resolve(key, values.get(key), environment);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** Every key under {@code prefix.} with its resolved, non-empty value, the prefix removed, sorted by key. */
    public Map<String, String> under(String prefix) {
        String p = prefix + ".";
        Map<String, String> out = new TreeMap<>();
        for (String k : values.keySet()) {
            if (k.startsWith(p)) {
                optional(k).ifPresent(v -> out.put(k.substring(p.length()), v));
            }
        }
        return out;
    }

    public String string(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key, "is missing in " + source,
                "add it to the YAML file or pass --set " + key + "=<value>"));
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int integer(String key, int min, int max) {
        String v = string(key);
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new ConfigException(key, "is " + i + ", outside " + min + ".." + max,
                        "set a value between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, shown(key, v) + " is not a whole number", "set a whole number such as 2");
        }
    }

    public double number(String key) {
        String v = string(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, shown(key, v) + " is not a number", "set a number such as 1.5");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        switch (v.get().toLowerCase()) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw new ConfigException(key, shown(key, v.get()) + " is not true or false", "set true or false");
        }
    }

    /** A value quoted for an error message, or "its value" for a secret key. */
    private static String shown(String key, String value) {
        return SecretKeys.isSecret(key) ? "its value" : "'" + value + "'";
    }

    /** A strictly positive duration in Flink's syntax ("10 s", "5 min"). */
    public Duration duration(String key) {
        return parseDuration(key, string(key));
    }

    /** A duration in Flink's syntax, from a value that is not in the file (a command-line option named {@code key}). */
    public static Duration parseDuration(String key, String v) {
        Duration d;
        try {
            d = TimeUtils.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, shown(key, v) + " is not a duration",
                    "write a duration such as \"10 s\" or \"5 min\"");
        }
        if (d.isNegative()) {
            throw new ConfigException(key, "is negative", "set a duration of zero or more");
        }
        return d;
    }

    /** The direct children names of a prefix, in document order ({@code schema.fields} → vdd, idd, ...). */
    public List<String> children(String prefix) {
        String p = prefix + ".";
        Set<String> names = new LinkedHashSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(p)) {
                String rest = k.substring(p.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * The configuration as {@code key: value} lines, for logs and for printing: unresolved (a reference shows as
     * written), and every literal value of a secret key masked.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(source).append(':');
        values.forEach((k, v) -> out.append("\n  ").append(k).append(": ").append(SecretKeys.shownValue(k, v)));
        return out.toString();
    }
}
