package io.waferflow.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job configuration as written: the YAML file's tree with the {@code --set key=value} overrides applied in order,
 * its keys checked ({@link ConfigKeys}), not yet bound. {@link FeaturesJobConfig#from} binds it into records.
 *
 * <p>Values may refer to the environment or to files ({@code ${env:NAME}}, {@code ${file:PATH}}, see
 * {@link ConfigReferences}); they are resolved when bound or read, so the tree only ever holds the reference. Values of
 * secret keys ({@link SecretKeys}) never appear in messages or in {@link #toString()}.
 */
public final class RawConfig {

    /** Jackson's message for a key written twice (FAIL_ON_READING_DUP_TREE_KEY), with the key. */
    private static final Pattern DUPLICATE_KEY = Pattern.compile("^Duplicate field '([^']*)'");

    static final ConfigKeys KEYS = new ConfigKeys(FeaturesJobConfig.class, readDefaults());

    private final ObjectNode tree;
    private final String source;
    private final Function<String, String> environment;

    private RawConfig(ObjectNode tree, String source, Function<String, String> environment) {
        this.tree = tree;
        this.source = source;
        this.environment = environment;
    }

    /** Loads a YAML file and applies {@code key=value} overrides in order. */
    public static RawConfig load(Path yamlFile, List<String> overrides) {
        if (!Files.isRegularFile(yamlFile)) {
            throw new ConfigException(
                    "--config",
                    "file " + yamlFile.toAbsolutePath() + " does not exist",
                    "pass --config with the path of a job file such as jobs/features.yaml");
        }
        String yaml;
        try {
            yaml = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    "--config", "cannot read " + yamlFile + ": " + e.getMessage(), "check the file's permissions");
        }
        return parse(yaml, yamlFile.toString()).withOverrides(overrides);
    }

    public static RawConfig parse(String yaml) {
        return parse(yaml, "<inline>");
    }

    private static RawConfig parse(String yaml, String source) {
        JsonNode root;
        try {
            refuseAliases(yaml);
            root = Binder.MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            Matcher twice = DUPLICATE_KEY.matcher(e.getOriginalMessage());
            if (twice.find()) {
                throw new ConfigException(
                        source,
                        "has the key '" + twice.group(1) + "' twice in one section"
                                + (e.getLocation() == null
                                        ? ""
                                        : " (line " + e.getLocation().getLineNr() + ")"),
                        "keep one of them: the YAML reader would otherwise keep the last one silently");
            }
            throw new ConfigException(
                    source,
                    "is not valid YAML (" + e.getOriginalMessage().split("\n")[0]
                            + (e.getLocation() == null
                                    ? ""
                                    : ", line " + e.getLocation().getLineNr()) + ")",
                    "correct the YAML syntax at the reported line");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(
                    source, "top level is not a mapping", "start the file with keys such as 'kafka:'");
        }
        return new RawConfig(KEYS.checked((ObjectNode) root), source, System::getenv);
    }

    /** Jackson's YAML reader gives an alias (*name) as its name, not the anchored value: refuse it, not misread it. */
    private static void refuseAliases(String yaml) throws JsonProcessingException {
        try (JsonParser p = Binder.MAPPER.getFactory().createParser(yaml)) {
            while (p.nextToken() != null) {
                if (((YAMLParser) p).isCurrentAlias()) {
                    throw new ConfigException(
                            p.currentName() == null ? "<alias>" : p.currentName(),
                            "uses a YAML alias (*" + p.getText() + ")",
                            "write the value out instead of an alias");
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * Applies {@code dotted.key=value} overrides in order. The key must be one the configuration has (a typo fails,
     * naming the nearest key), though not necessarily one the file sets. The value is taken as written (numbers,
     * durations and booleans are read when bound, as the key's type), except that YAML quotes are removed, an empty
     * value is no value, and a key that holds a list or a section accepts YAML flow syntax ({@code [0, 1]}).
     */
    public RawConfig withOverrides(List<String> overrides) {
        ObjectNode copy = tree.deepCopy();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(
                        o, "override is not of the form key=value", "write --set feature_group.window.size=\"1 min\"");
            }
            ConfigKeys.Location at = KEYS.locate(o.substring(0, eq).trim());
            set(copy, at.path(), value(o.substring(eq + 1).trim(), at.kind() != ConfigKeys.Kind.VALUE));
        }
        return new RawConfig(KEYS.checked(copy), source, environment);
    }

    private static JsonNode value(String text, boolean structured) {
        if (text.isEmpty()) {
            return NullNode.getInstance();
        }
        boolean quoted = text.startsWith("\"") || text.startsWith("'");
        boolean flow = text.startsWith("[") || text.startsWith("{");
        if (quoted || (structured && flow)) {
            try {
                JsonNode parsed = Binder.MAPPER.readTree(text);
                if (parsed != null && (parsed.isTextual() || (structured && parsed.isContainerNode()))) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // Not YAML after all: the text as written.
            }
        }
        return TextNode.valueOf(text);
    }

    private static void set(ObjectNode tree, List<String> path, JsonNode value) {
        ObjectNode parent = tree;
        for (String name : path.subList(0, path.size() - 1)) {
            JsonNode child = parent.get(name);
            parent = child instanceof ObjectNode o ? o : parent.putObject(name);
        }
        parent.set(path.get(path.size() - 1), value);
    }

    /** The same configuration, resolving {@code ${env:NAME}} from the given lookup instead of the process's. */
    public RawConfig withEnvironment(Function<String, String> lookup) {
        return new RawConfig(tree, source, lookup);
    }

    public RawConfig with(String key, String value) {
        return withOverrides(List.of(key + "=" + value));
    }

    public String source() {
        return source;
    }

    /** A single value, references resolved; empty if the key is absent or its value is empty. */
    public Optional<String> optional(String key) {
        JsonNode n = node(KEYS.locate(key).path());
        if (n == null || !n.isValueNode() || n.isNull()) {
            return Optional.empty();
        }
        String v = ConfigReferences.resolve(key, n.asText(), environment).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** The names directly under a key, in document order ({@code schema.fields} → vdd, idd, ...). */
    public List<String> children(String key) {
        JsonNode n = node(KEYS.locate(key).path());
        List<String> names = new ArrayList<>();
        if (n != null && n.isObject()) {
            n.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** A duration in Flink's syntax, from a value that is not in the file (a command-line option named {@code key}). */
    public static Duration parseDuration(String key, String value) {
        try {
            return ValueFormats.duration(value.trim());
        } catch (InvalidValue e) {
            throw e.at(key, "the command line");
        }
    }

    /**
     * The part at {@code key} ("" for all) bound into {@code type}: references resolved, defaults filled in, checked.
     */
    <T> T bind(String key, TypeReference<T> type) {
        List<String> path = key.isEmpty() ? List.of() : KEYS.locate(key).path();
        JsonNode node = node(path);
        JsonNode resolved = node == null ? null : resolved(node, key);
        return Binder.bind(KEYS.complete(resolved, path, source), Binder.MAPPER.constructType(type), key, source);
    }

    private JsonNode node(List<String> path) {
        JsonNode n = tree;
        for (String name : path) {
            n = n.get(name);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private JsonNode resolved(JsonNode node, String key) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> out.set(f.getKey(), resolved(f.getValue(), join(key, f.getKey()))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(resolved(item, key)));
            return out;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(
                    ConfigReferences.resolve(key, node.textValue(), environment).trim());
        }
        return node;
    }

    /**
     * The configuration fingerprint: SHA-256 (hex) of the effective configuration, the file with the overrides applied
     * and the defaults filled in, as sorted {@code key=value} lines. References ({@code ${env:NAME}}) count as written
     * and literal secrets as masked, so the fingerprint reveals nothing and changes with what was configured, not with
     * a rotated password. Two runs with the same fingerprint ran the same settings.
     */
    public String fingerprint() {
        TreeMap<String, String> sorted = new TreeMap<>();
        leaves(KEYS.complete(tree, List.of(), source), "", (k, v) -> sorted.put(k, SecretKeys.shownValue(k, v)));
        StringBuilder lines = new StringBuilder();
        sorted.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(lines.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The configuration as {@code key: value} lines, for logs and for printing: unresolved (a reference shows as
     * written), and every literal value of a secret key masked.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(source).append(':');
        leaves(tree, "", (k, v) -> out.append("\n  ").append(k).append(": ").append(SecretKeys.shownValue(k, v)));
        return out.toString();
    }

    private static void leaves(JsonNode node, String key, BiConsumer<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> leaves(f.getValue(), join(key, f.getKey()), out));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            out.accept(key, "[" + String.join(", ", items) + "]");
        } else {
            out.accept(key, node.isNull() ? "" : node.asText());
        }
    }

    private static String join(String key, String name) {
        return key.isEmpty() ? name : key + "." + name;
    }

    private static JsonNode readDefaults() {
        try {
            return Binder.MAPPER.readTree(Defaults.YAML);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Defaults.YAML is not valid YAML", e);
        }
    }
}
