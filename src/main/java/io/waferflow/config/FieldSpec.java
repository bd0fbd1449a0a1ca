package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One declared input field ({@code schema.fields.<name>}): its JSON type, whether it must be present and may be null,
 * whether it is a parametric test, and the value rules (range, allowed values, pattern) the data-quality stage checks.
 *
 * @param name the field's key in {@code schema.fields} (not a key of its own)
 * @param allowed a YAML list, or comma-separated ({@code --set schema.fields.tester_id.allowed=T1,T2})
 * @param pattern a regular expression the whole value must match (string fields), or null
 */
public record FieldSpec(
        @JsonIgnore String name,
        FieldType type,
        boolean required,
        boolean nullable,
        boolean parameter,
        String unit,
        Double min,
        Double max,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> allowed,

        String pattern)
        implements Serializable {

    public FieldSpec {
        if (parameter && type != FieldType.FLOAT && type != FieldType.INT) {
            throw InvalidValue.at(
                    "parameter", "a parametric test must be numeric, not " + type, "set its type to float");
        }
        if (min != null && max != null && min > max) {
            throw InvalidValue.at("min", "min " + min + " is above max " + max, "swap min and max");
        }
        allowed = allowed == null
                ? List.of()
                : allowed.stream()
                        .flatMap(a -> Arrays.stream(a.trim().split("\\s*,\\s*")))
                        .filter(a -> !a.isEmpty())
                        .toList();
        if (type == FieldType.INT || type == FieldType.FLOAT) {
            for (String a : allowed) {
                try {
                    Double.parseDouble(a);
                } catch (NumberFormatException e) {
                    throw InvalidValue.at(
                            "allowed",
                            "'" + a + "' is not a number but the field is " + type,
                            "list numbers only, e.g. [0, 1]");
                }
            }
        }
        if (pattern != null) {
            if (type != FieldType.STRING) {
                throw InvalidValue.at("pattern", "only string fields can have a pattern", "remove it");
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw InvalidValue.at(
                        "pattern",
                        "is not a valid regular expression (" + e.getDescription() + ")",
                        "write a Java regular expression such as 'W[0-9]{4}'");
            }
        }
    }

    FieldSpec named(String fieldName) {
        return new FieldSpec(fieldName, type, required, nullable, parameter, unit, min, max, allowed, pattern);
    }
}
