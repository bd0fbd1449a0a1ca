package io.waferflow.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One declared input field: its JSON type, whether it must be present and may be null, and whether it is a
 * parametric test, and the value rules (range, allowed values, pattern) the data-quality stage checks.
 */
public final class FieldSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final FieldType type;
    private final boolean required;
    private final boolean nullable;
    private final boolean parameter;
    private final String unit;
    private final Double min;
    private final Double max;
    private final List<String> allowed;
    private final String pattern;

    public FieldSpec(String name, FieldType type, boolean required, boolean nullable, boolean parameter,
                     String unit, Double min, Double max, List<String> allowed, String pattern) {
        this.name = name;
        this.type = type;
        this.required = required;
        this.nullable = nullable;
        this.parameter = parameter;
        this.unit = unit;
        this.min = min;
        this.max = max;
        this.allowed = Collections.unmodifiableList(new ArrayList<>(allowed));
        this.pattern = pattern;
    }

    static FieldSpec from(RawConfig raw, String name) {
        String p = "schema.fields." + name + ".";
        FieldType type = FieldType.parse(p + "type", raw.string(p + "type"));
        boolean required = raw.bool(p + "required", false);
        boolean nullable = raw.bool(p + "nullable", false);
        boolean parameter = raw.bool(p + "parameter", false);
        if (parameter && type != FieldType.FLOAT && type != FieldType.INT) {
            throw new ConfigException(p + "parameter", "a parametric test must be numeric, not " + type,
                    "set " + p + "type to float");
        }
        Double min = raw.optional(p + "min").map(v -> raw.number(p + "min")).orElse(null);
        Double max = raw.optional(p + "max").map(v -> raw.number(p + "max")).orElse(null);
        if (min != null && max != null && min > max) {
            throw new ConfigException(p + "min", "min " + min + " is above max " + max, "swap min and max");
        }
        List<String> allowed = raw.optional(p + "allowed").map(v -> List.of(v.split("\\s*,\\s*"))).orElse(List.of());
        if (type == FieldType.INT || type == FieldType.FLOAT) {
            for (String a : allowed) {
                try {
                    Double.parseDouble(a);
                } catch (NumberFormatException e) {
                    throw new ConfigException(p + "allowed", "'" + a + "' is not a number but the field is " + type,
                            "list numbers only, e.g. [0, 1]");
                }
            }
        }
        String pattern = raw.optional(p + "pattern").orElse(null);
        if (pattern != null) {
            if (type != FieldType.STRING) {
                throw new ConfigException(p + "pattern", "only string fields can have a pattern", "remove it");
            }
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException(p + "pattern", "is not a valid regular expression (" + e.getDescription() + ")",
                        "write a Java regular expression such as 'W[0-9]{4}'");
            }
        }
        return new FieldSpec(name, type, required, nullable, parameter, raw.string(p + "unit", ""), min, max, allowed,
                pattern);
    }

    public String name() {
        return name;
    }

    public FieldType type() {
        return type;
    }

    public boolean required() {
        return required;
    }

    public boolean nullable() {
        return nullable;
    }

    public boolean parameter() {
        return parameter;
    }

    public String unit() {
        return unit;
    }

    public Double min() {
        return min;
    }

    public Double max() {
        return max;
    }

    public List<String> allowed() {
        return allowed;
    }

    /** A regular expression the whole value must match (string fields), or null. */
    public String pattern() {
        return pattern;
    }
}
