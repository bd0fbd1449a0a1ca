package io.waferflow.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds a configuration tree into the configuration records with Jackson, and turns Jackson's errors into
 * {@link ConfigException}s that name the key (from the path Jackson reports) and the fix. Record components are the
 * YAML keys in snake_case; enums are matched ignoring case; durations, instants and booleans are read in the forms the
 * job files have always used.
 */
final class Binder {

    /** Reads YAML (the job file, the overrides' values) and binds trees. */
    static final ObjectMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
            // A key written twice (two derived features of one name, a section pasted twice) is a mistake, not "the
            // last one wins".
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .addModule(new SimpleModule("waferflow-config")
                    .addDeserializer(Duration.class, new FromText<>(Duration.class, ValueFormats::duration))
                    .addDeserializer(Instant.class, new FromText<>(Instant.class, ValueFormats::instant))
                    .addDeserializer(Boolean.class, new FromText<>(Boolean.class, ValueFormats::bool))
                    .addDeserializer(boolean.class, new FromText<>(Boolean.class, ValueFormats::bool)))
            .build();

    private Binder() {}

    /**
     * Binds a tree (references resolved, defaults filled in) into {@code type}.
     *
     * @param path the tree's key in the configuration ("" for the whole file), for messages
     * @param source where the configuration was read from, for messages
     */
    static <T> T bind(JsonNode tree, JavaType type, String path, String source) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw translate(e, path, source);
        } catch (IOException e) {
            throw new ConfigException(
                    path.isEmpty() ? source : path,
                    "cannot be read (" + firstLine(e) + ")",
                    "compare it with jobs/features.yaml");
        }
    }

    /** Jackson's own messages name Java types and classes; a user needs the key, what it should be and the fix. */
    private static ConfigException translate(JsonMappingException e, String path, String source) {
        String key = key(path, e.getPath());
        Throwable cause = e.getCause();
        if (cause instanceof ConfigException c) {
            return c;
        }
        if (cause instanceof InvalidValue v) {
            return v.at(key, source);
        }
        if (e instanceof PropertyBindingException unknown) {
            // ConfigKeys refuses unknown keys before binding; this only backs it up.
            return ConfigKeys.unknown(key, "check the spelling against jobs/features.yaml");
        }
        if (cause instanceof InputCoercionException) {
            return new ConfigException(key, "is too large", "set a whole number such as 2");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Expected expected = Expected.of(m.getTargetType());
            if (m instanceof InvalidFormatException f) {
                String problem = f.getTargetType().isEnum() ? "is unknown" : "is not " + expected.what();
                return InvalidValue.value(String.valueOf(f.getValue()), problem, expected.fix())
                        .at(key, source);
            }
            if (m.getOriginalMessage().startsWith("Cannot map `null`")) {
                return ConfigException.missing(key, source);
            }
            return new ConfigException(key, "is not " + expected.what(), expected.fix());
        }
        return new ConfigException(
                key.isEmpty() ? source : key,
                "cannot be read (" + firstLine(e) + ")",
                "compare it with jobs/features.yaml");
    }

    /** The dotted key of a Jackson path below {@code path}; list indexes belong to their list's key. */
    private static String key(String path, List<JsonMappingException.Reference> references) {
        StringBuilder key = new StringBuilder(path);
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                key.append(key.length() == 0 ? "" : ".").append(r.getFieldName());
            }
        }
        return key.toString();
    }

    /** What a value of a type looks like, and how to write one. */
    private record Expected(String what, String fix) {

        static Expected of(Class<?> type) {
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                return new Expected("a whole number", "set a whole number such as 2");
            }
            if (type == double.class || type == Double.class) {
                return new Expected("a number", "set a number such as 1.5");
            }
            if (type.isEnum()) {
                List<String> names = Arrays.stream(type.getEnumConstants())
                        .map(c -> shown((Enum<?>) c))
                        .toList();
                return new Expected(
                        "a single value",
                        "use " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                                + names.get(names.size() - 1));
            }
            if (Collection.class.isAssignableFrom(type)) {
                return new Expected("a list", "write a list such as [a, b]");
            }
            if (Map.class.isAssignableFrom(type) || type.isRecord()) {
                return new Expected("a section (keys below it)", "write the keys below it, as jobs/features.yaml does");
            }
            return new Expected("a single value", "write a single value, as jobs/features.yaml does");
        }
    }

    /** An enum value as the job files write it: severities as P0..P3, everything else in lower case. */
    private static String shown(Enum<?> value) {
        return value.name().chars().anyMatch(Character::isDigit)
                ? value.name()
                : value.name().toLowerCase();
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
    }

    /** A value read from a scalar's text (a YAML number or boolean is read from its text as well). */
    private static final class FromText<T> extends StdScalarDeserializer<T> {

        private final transient Function<String, T> parse;

        FromText(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw InvalidValue.at("", "is a list or a section", "write a single value");
            }
            return parse.apply(p.getText().trim());
        }
    }
}
