package io.waferflow.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of the job configuration, read from the record types the way Jackson binds them (the creators' parameters,
 * in snake_case), so no key can be known here and unknown there. Refuses unknown keys, naming the nearest known one;
 * splits a dotted {@code --set} key into its place in the tree; fills in {@link Defaults} and reports required keys
 * that are missing.
 *
 * <p>Written by hand because Jackson reports only the first unknown property it meets while binding, after the values
 * before it were checked, and cannot tell a default from a value ({@code FAIL_ON_MISSING_CREATOR_PROPERTIES} would also
 * demand the {@code @JsonIgnore}d components).
 */
final class ConfigKeys {

    /**
     * What a key holds: keys (a record), named sections (schema.fields), free-form values (kafka.properties), a list or
     * a value.
     */
    enum Kind {
        SECTION,
        SECTION_MAP,
        VALUE_MAP,
        LIST,
        VALUE
    }

    /** A key's place in the tree and the type bound there. */
    record Location(List<String> path, JavaType type) {
        Kind kind() {
            return kindOf(type);
        }
    }

    private final JavaType root;
    private final JsonNode defaults;
    private final Map<JavaType, Map<String, JavaType>> sections = new ConcurrentHashMap<>();

    ConfigKeys(Class<?> root, JsonNode defaults) {
        this.root = Binder.MAPPER.constructType(root);
        this.defaults = defaults;
        checked((ObjectNode) defaults); // a default for a key the records lack would never apply
    }

    /** Where a dotted key ({@code drift.baseline.file}, {@code kafka.properties.sasl.jaas.config}) is in the tree. */
    Location locate(String dottedKey) {
        String[] parts = dottedKey.split("\\.", -1);
        List<String> path = new ArrayList<>();
        JavaType type = root;
        for (int i = 0; i < parts.length; i++) {
            switch (kindOf(type)) {
                case SECTION -> {
                    Map<String, JavaType> keys = keys(type);
                    if (!keys.containsKey(parts[i])) {
                        String rest = String.join(".", Arrays.asList(parts).subList(i + 1, parts.length));
                        throw unknown(
                                dottedKey,
                                Nearest.to(parts[i], keys.keySet())
                                        .map(near -> suggestion(join(path, near), rest))
                                        .orElse(listing(path, keys.keySet())));
                    }
                    path.add(parts[i]);
                    type = keys.get(parts[i]);
                }
                case SECTION_MAP -> {
                    path.add(parts[i]);
                    type = type.getContentType();
                }
                case VALUE_MAP -> {
                    // Free-form keys may contain dots themselves (sasl.jaas.config): the rest is one key.
                    path.add(String.join(".", Arrays.asList(parts).subList(i, parts.length)));
                    return new Location(path, type.getContentType());
                }
                default ->
                    throw new ConfigException(
                            dottedKey,
                            "is not a key of the job configuration",
                            "'" + String.join(".", path) + "' holds a value, with no keys below it");
            }
        }
        return new Location(path, type);
    }

    /** The suggested key: the near name, with what the user wrote after it if that exists there too. */
    private String suggestion(String near, String rest) {
        if (!rest.isEmpty()) {
            try {
                locate(near + "." + rest);
                return "did you mean '" + near + "." + rest + "'?";
            } catch (ConfigException e) {
                // Fall back to the near key alone.
            }
        }
        return "did you mean '" + near + "'?";
    }

    private static String listing(List<String> path, Set<String> keys) {
        return "use one of "
                + (path.isEmpty() ? "the top-level keys" : "the keys under '" + String.join(".", path) + "'") + ": "
                + String.join(", ", keys);
    }

    static ConfigException unknown(String key, String fix) {
        return new ConfigException(key, "is not a key of the job configuration", fix);
    }

    /**
     * A copy of a tree as written, its key names checked, with nested sections under free-form maps flattened to dotted
     * keys ({@code properties: {security: {protocol: X}}} is {@code security.protocol}, as it always was).
     */
    ObjectNode checked(ObjectNode tree) {
        return (ObjectNode) checked(tree, root, new ArrayList<>());
    }

    private JsonNode checked(JsonNode node, JavaType type, List<String> path) {
        Kind kind = kindOf(type);
        if (!node.isObject() || kind == Kind.LIST || kind == Kind.VALUE) {
            return node.deepCopy(); // a value where keys belong (or the reverse) is the binding's error to report
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (kind == Kind.VALUE_MAP) {
            flatten(node, "", out);
            return out;
        }
        Map<String, JavaType> keys = kind == Kind.SECTION ? keys(type) : Map.of();
        node.fields().forEachRemaining(field -> {
            String name = field.getKey();
            JavaType childType = kind == Kind.SECTION ? keys.get(name) : type.getContentType();
            if (childType == null) {
                throw unknown(
                        join(path, name),
                        Nearest.to(name, keys.keySet())
                                .map(near -> "did you mean '" + join(path, near) + "'?")
                                .orElse(listing(path, keys.keySet())));
            }
            List<String> childPath = new ArrayList<>(path);
            childPath.add(name);
            out.set(name, checked(field.getValue(), childType, childPath));
        });
        return out;
    }

    private static void flatten(JsonNode node, String prefix, ObjectNode out) {
        node.fields().forEachRemaining(field -> {
            JsonNode v = field.getValue();
            if (v.isObject()) {
                flatten(v, prefix + field.getKey() + ".", out);
            } else if (v.isArray()) {
                // Kafka's list settings are comma-separated.
                List<String> items = new ArrayList<>();
                v.forEach(item -> items.add(item.asText()));
                out.put(prefix + field.getKey(), String.join(",", items));
            } else {
                out.set(prefix + field.getKey(), v);
            }
        });
    }

    /**
     * The tree at {@code path} (references resolved) with every key that is missing or empty given its default; a
     * required key without a value is an error. Empty entries of free-form maps are dropped: empty means not set.
     */
    JsonNode complete(JsonNode node, List<String> path, String source) {
        JavaType type = root;
        JsonNode d = defaults;
        for (String name : path) {
            Kind kind = kindOf(type);
            type = kind == Kind.SECTION ? keys(type).get(name) : type.getContentType();
            d = d == null ? null : d.get(kind == Kind.SECTION_MAP ? "*" : name);
        }
        String key = String.join(".", path);
        return complete(isBlank(node) ? orDefault(type, d, key, source) : node, type, d, key, source);
    }

    /** The value of a key left out or empty: its default; an empty map if it is a map (the default is per entry). */
    private static JsonNode orDefault(JavaType type, JsonNode defaults, String key, String source) {
        if (defaults == null && kindOf(type) == Kind.SECTION) {
            throw new ConfigException(key, "is missing in " + source, "add the section as jobs/features.yaml has it");
        }
        if (defaults == null) {
            throw ConfigException.missing(key, source);
        }
        return kindOf(type) == Kind.SECTION_MAP ? JsonNodeFactory.instance.objectNode() : withoutTemplates(defaults);
    }

    /**
     * A default section without its {@code "*"} entries: those are the defaults of each entry of a named-section map
     * ({@code stdf.parameters}), not entries (a whole section left out has no entries).
     */
    private static JsonNode withoutTemplates(JsonNode defaults) {
        JsonNode copy = defaults.deepCopy();
        if (copy.isObject()) {
            ObjectNode object = (ObjectNode) copy;
            object.remove("*");
            object.fields().forEachRemaining(f -> object.set(f.getKey(), withoutTemplates(f.getValue())));
        }
        return copy;
    }

    private JsonNode complete(JsonNode node, JavaType type, JsonNode defaults, String key, String source) {
        Kind kind = kindOf(type);
        if (!node.isObject() || kind == Kind.LIST || kind == Kind.VALUE) {
            return node;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (kind == Kind.VALUE_MAP) {
            node.fields().forEachRemaining(f -> {
                if (!isBlank(f.getValue())) {
                    out.set(f.getKey(), f.getValue());
                }
            });
        } else if (kind == Kind.SECTION_MAP) {
            JsonNode each = defaults == null ? null : defaults.get("*");
            node.fields()
                    .forEachRemaining(f -> out.set(
                            f.getKey(),
                            complete(
                                    isBlank(f.getValue()) ? JsonNodeFactory.instance.objectNode() : f.getValue(),
                                    type.getContentType(),
                                    each,
                                    join(key, f.getKey()),
                                    source)));
        } else {
            for (Map.Entry<String, JavaType> k : keys(type).entrySet()) {
                String name = k.getKey();
                JsonNode value = node.get(name);
                JsonNode d = defaults == null ? null : defaults.get(name);
                if (isBlank(value)) {
                    value = orDefault(k.getValue(), d, join(key, name), source); // `~`: optional, without a value
                }
                out.set(name, complete(value, k.getValue(), d, join(key, name), source));
            }
        }
        return out;
    }

    static boolean isBlank(JsonNode node) {
        return node == null
                || node.isNull()
                || node.isMissingNode()
                || (node.isTextual() && node.textValue().isBlank());
    }

    /** The keys of a record, as Jackson binds them: its creator's parameters, without the ignored ones. */
    private Map<String, JavaType> keys(JavaType record) {
        return sections.computeIfAbsent(record, t -> {
            BeanDescription description =
                    Binder.MAPPER.getDeserializationConfig().introspect(t);
            List<BeanPropertyDefinition> properties = description.findProperties();
            Set<String> ignored = description.getIgnoredPropertyNames(); // known only once the properties are
            Map<String, JavaType> keys = new LinkedHashMap<>();
            properties.stream()
                    .filter(p -> p.getConstructorParameter() != null && !ignored.contains(p.getName()))
                    .sorted(Comparator.comparingInt(
                            p -> p.getConstructorParameter().getIndex())) // declaration order
                    .forEach(p ->
                            keys.put(p.getName(), p.getConstructorParameter().getType()));
            return keys;
        });
    }

    private static Kind kindOf(JavaType type) {
        if (type.isMapLikeType()) {
            return type.getContentType().getRawClass().isRecord() ? Kind.SECTION_MAP : Kind.VALUE_MAP;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return Kind.LIST;
        }
        return type.getRawClass().isRecord() ? Kind.SECTION : Kind.VALUE;
    }

    private static String join(List<String> path, String name) {
        return join(String.join(".", path), name);
    }

    private static String join(String key, String name) {
        return key.isEmpty() ? name : key + "." + name;
    }
}
