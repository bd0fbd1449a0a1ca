package io.waferflow.ingest;

import io.waferflow.config.FieldSpec;
import io.waferflow.config.FieldType;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The value rules of one field (SPEC 4): range (min/max, inclusive), allowed values, pattern. A value that breaks one
 * is a MEDIUM violation: the record goes on, flagged, so one odd reading does not lose a die's other tests. Checked
 * while the parser holds the value, so declared fields the pipeline does not store are checked too.
 */
public final class FieldValueRule {

    private final String field;
    private final Double min;
    private final Double max;
    private final Set<Double> allowedNumbers;
    private final Set<String> allowedStrings;
    private final Pattern pattern;

    private FieldValueRule(FieldSpec spec) {
        this.field = spec.name();
        this.min = spec.min();
        this.max = spec.max();
        if (spec.allowed().isEmpty()) {
            allowedNumbers = null;
            allowedStrings = null;
        } else if (spec.type() == FieldType.INT || spec.type() == FieldType.FLOAT) {
            allowedNumbers = new HashSet<>();
            spec.allowed().forEach(a -> allowedNumbers.add(Double.parseDouble(a)));
            allowedStrings = null;
        } else {
            allowedNumbers = null;
            allowedStrings = new HashSet<>(spec.allowed());
        }
        this.pattern = spec.pattern() == null ? null : Pattern.compile(spec.pattern());
    }

    /** The field's rule, or null when it declares none. */
    public static FieldValueRule of(FieldSpec spec) {
        boolean any =
                spec.min() != null || spec.max() != null || !spec.allowed().isEmpty() || spec.pattern() != null;
        return any ? new FieldValueRule(spec) : null;
    }

    public Violation check(double value) {
        if ((min != null && value < min) || (max != null && value > max)) {
            return new Violation(
                    Violation.RULE_RANGE,
                    field,
                    format(value),
                    "[" + format(min) + ", " + format(max) + "]",
                    Severity.MEDIUM);
        }
        if (allowedNumbers != null && !allowedNumbers.contains(value)) {
            return new Violation(
                    Violation.RULE_CATEGORICAL, field, format(value), "one of " + allowedNumbers, Severity.MEDIUM);
        }
        return null;
    }

    public Violation check(String value) {
        if (allowedStrings != null && !allowedStrings.contains(value)) {
            return new Violation(Violation.RULE_CATEGORICAL, field, value, "one of " + allowedStrings, Severity.MEDIUM);
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            return new Violation(Violation.RULE_PATTERN, field, value, pattern.pattern(), Severity.MEDIUM);
        }
        return null;
    }

    private static String format(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
    }
}
