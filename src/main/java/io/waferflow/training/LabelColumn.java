package io.waferflow.training;

import java.io.Serializable;

/** A label column carried into the training set, with the type it gets there. */
public record LabelColumn(String name, Type type) implements Serializable {

    /** The output types of label columns. */
    public enum Type {
        LONG,
        DOUBLE,
        BOOLEAN,
        STRING
    }

    /**
     * A value as the text a {@link io.waferflow.model.TrainingEvent} carries, checked against the column's type.
     *
     * @throws IllegalArgumentException naming the column when the value is not of its type
     */
    public String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString();
        if (value instanceof String str && isMissing(str)) {
            return null;
        }
        parse(s); // fails early, at the reader, where the line is known
        return s;
    }

    /** The typed value of a text {@link #text} returned. */
    public Object parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return switch (type) {
                case LONG -> Long.parseLong(s.trim());
                case DOUBLE -> Double.parseDouble(s.trim());
                case BOOLEAN -> parseBoolean(s.trim());
                case STRING -> s;
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label column '" + name + "' holds \"" + s + "\", which is not a "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " like its other values");
        }
    }

    private static boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(s);
    }

    /** Empty CSV cells and NA/NaN/null spellings are missing, as for the other file readers. */
    static boolean isMissing(String cell) {
        return cell.isEmpty()
                || cell.equalsIgnoreCase("na")
                || cell.equalsIgnoreCase("nan")
                || cell.equalsIgnoreCase("null");
    }

    /** The narrowest type that holds every sample value (nulls ignored); string when none does. */
    static Type infer(Iterable<Object> samples) {
        boolean allLong = true;
        boolean allDouble = true;
        boolean allBoolean = true;
        boolean any = false;
        for (Object v : samples) {
            if (v == null || (v instanceof String s && isMissing(s))) {
                continue;
            }
            any = true;
            String s = v.toString().trim();
            if (v instanceof Boolean) {
                allLong = false;
                allDouble = false;
                continue;
            }
            allBoolean &= s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
            if (v instanceof Double || v instanceof Float) {
                allLong = false;
            }
            try {
                Long.parseLong(s);
            } catch (NumberFormatException e) {
                allLong = false;
            }
            try {
                Double.parseDouble(s);
            } catch (NumberFormatException e) {
                allDouble = false;
            }
        }
        if (!any) {
            return Type.STRING;
        }
        return allLong ? Type.LONG : allDouble ? Type.DOUBLE : allBoolean ? Type.BOOLEAN : Type.STRING;
    }
}
