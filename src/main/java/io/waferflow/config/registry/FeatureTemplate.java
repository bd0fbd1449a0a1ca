package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import java.util.List;
import java.util.Set;

/**
 * A feature as a registry file declares it ({@code features.<name>}). A name holding {@code {parameter}} is a template,
 * one feature per parametric test of the schema; {@code {parameter}} and {@code {unit}} are then replaced in every
 * text, {@code {unit}} by the test's {@code unit}. An input list may name {@code {parameters}} (every parametric test)
 * or {@code {fields}} (every field of the schema): a data-quality feature reads them all, and the list then follows the
 * schema.
 */
public record FeatureTemplate(
        String type, String unit, String description, String transformation, List<String> inputs) {

    public static final String PARAMETER = "{parameter}";
    public static final String UNIT = "{unit}";
    public static final String PARAMETERS = "{parameters}";
    public static final String FIELDS = "{fields}";

    /** The value types the stores write: {@code device_count} is a whole number, every other feature a double. */
    public static final Set<String> TYPES = Set.of("long", "double");

    public FeatureTemplate {
        unit = unit == null ? "" : unit;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    void check(String where) {
        if (type == null || !TYPES.contains(type)) {
            throw new ConfigException(where + ".type", "is " + type + ", not one of " + TYPES, "write long or double");
        }
        if (description == null || description.isBlank()) {
            throw new ConfigException(where + ".description", "is missing", "say what the feature means");
        }
        if (transformation == null || transformation.isBlank()) {
            throw new ConfigException(where + ".transformation", "is missing", "say how it is computed");
        }
        if (inputs.isEmpty()) {
            throw new ConfigException(
                    where + ".inputs", "lists no input field", "name the schema fields it is computed from");
        }
    }

    static boolean isTemplate(String name) {
        return name.contains(PARAMETER);
    }

    /** The feature this entry declares for one parametric test (or, for a plain entry, itself). */
    FeatureDefinition expand(String name, String parameter, String parameterUnit) {
        return new FeatureDefinition(
                fill(name, parameter, parameterUnit),
                type,
                fill(unit, parameter, parameterUnit),
                fill(description, parameter, parameterUnit),
                fill(transformation, parameter, parameterUnit),
                inputs.stream().map(i -> fill(i, parameter, parameterUnit)).toList());
    }

    private static String fill(String text, String parameter, String unit) {
        return parameter == null ? text : text.replace(PARAMETER, parameter).replace(UNIT, unit);
    }
}
