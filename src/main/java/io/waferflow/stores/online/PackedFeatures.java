package io.waferflow.stores.online;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * How a feature row's features are stored: packed into one field of the row's hash, {@link OnlineKeys#FEATURES}, as a
 * JSON object ({@code {"device_count":700,"yield_pct":93.5,...,"vdd_p95":null}}), beside the metadata fields
 * ({@code window_end}, {@code revision}, ...) that the write's guard and readers read without unpacking.
 *
 * <p>Why one field rather than a field per feature: Redis spends a hash write's time per field (a 45-field {@code HSET}
 * took 16 µs of server time here, the packed row 2 µs: BENCHMARKS.md), so per-field rows capped one Redis core at
 * ~31,000 rows/s, and a 100-wafer read fetched 4,500 values instead of 500. JSON keeps a row readable with
 * {@code redis-cli HGET <key> features}, and Jackson's streaming parser reads it back. Values are the text the
 * per-field layout stored: Java's shortest round-trip form of a double, {@code null} where a feature has no value (read
 * back as {@link OnlineKeys#NULL}), and a value that is not a JSON number (Infinity) as a string.
 */
public final class PackedFeatures {

    private static final JsonFactory JSON = new JsonFactory();
    private static final char[] NO_CHARS = new char[0];

    private PackedFeatures() {}

    /** Each name's opening in the packed object, {@code "name":}, computed once per column list. */
    public static String[] openings(List<String> names) {
        String[] openings = new String[names.size()];
        for (int i = 0; i < openings.length; i++) {
            openings[i] = quoted(names.get(i)) + ":";
        }
        return openings;
    }

    /**
     * The packed object of {@code values} (each the stored text of a feature, {@link OnlineKeys#NULL} or null for no
     * value) under the names {@link #openings} gave, in that order.
     */
    public static String pack(String[] openings, String[] values) {
        StringBuilder json = new StringBuilder(16 + openings.length * 32);
        json.append('{');
        for (int i = 0; i < openings.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(openings[i]);
            String v = values[i];
            if (v == null || v.equals(OnlineKeys.NULL)) {
                json.append("null");
            } else if (isJsonNumber(v)) {
                json.append(v);
            } else {
                json.append(quoted(v));
            }
        }
        return json.append('}').toString();
    }

    /**
     * Unpacks {@code packed} into {@code out}: each feature whose name {@code positions} maps goes to that position (a
     * feature without a value as {@link OnlineKeys#NULL}); features not named there are skipped, and positions of
     * features the row lacks are left as they are.
     *
     * @throws IllegalArgumentException if {@code packed} is not a packed row
     */
    public static void unpack(String packed, Map<String, Integer> positions, String[] out) {
        forEach(packed, (name, value) -> {
            Integer at = positions.get(name);
            if (at != null) {
                out[at] = value;
            }
        });
    }

    /** A packed row's value as characters, seen by {@link #unpack(String, Map, ValueText)}. */
    @FunctionalInterface
    public interface ValueText {
        /**
         * The feature at {@code position} has the text {@code chars[offset, offset + length)}; empty (as
         * {@link OnlineKeys#NULL}) for a feature without a value. The characters are valid only during the call.
         */
        void accept(int position, char[] chars, int offset, int length);
    }

    /**
     * {@link #unpack(String, Map, String[])} without a String per value: each feature whose name {@code positions} maps
     * is given to {@code out} with its position, in the packed order; features not named there are skipped.
     *
     * @throws IllegalArgumentException if {@code packed} is not a packed row
     */
    public static void unpack(String packed, Map<String, Integer> positions, ValueText out) {
        try (JsonParser p = JSON.createParser(packed)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, packed);
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                Integer at = positions.get(p.currentName());
                JsonToken value = p.nextToken();
                expect(value != null && value.isScalarValue(), packed);
                if (at == null) {
                    continue;
                }
                if (value == JsonToken.VALUE_NULL) {
                    out.accept(at, NO_CHARS, 0, 0);
                } else {
                    out.accept(at, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                }
            }
            expect(t == JsonToken.END_OBJECT, packed);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a packed feature row: " + abbreviated(packed), e);
        }
    }

    /**
     * A row's hash as the flat map of every field it describes: its metadata fields as stored and each packed feature
     * ({@link OnlineKeys#NULL} where it has no value), the packed field itself left out. For tools and tests that look
     * at a whole row; a hash without a packed field is returned as it is.
     */
    public static Map<String, String> flatten(Map<String, String> hash) {
        String packed = hash.get(OnlineKeys.FEATURES);
        if (packed == null) {
            return hash;
        }
        Map<String, String> flat = new LinkedHashMap<>();
        forEach(packed, flat::put);
        hash.forEach((field, value) -> {
            if (!field.equals(OnlineKeys.FEATURES)) {
                flat.putIfAbsent(field, value); // a per-field feature an earlier release wrote: the packed one wins
            }
        });
        return flat;
    }

    /**
     * Whether a stored value is a number in JSON's grammar ({@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}), so it can
     * be written as is. Java writes doubles so ({@code 93.5}, {@code 1.0E-5}); NaN and Infinity are not.
     */
    public static boolean isJsonNumber(String s) {
        return isJsonNumber(s, 0, s.length());
    }

    /** {@link #isJsonNumber(String)} of {@code s}'s characters from {@code from} to {@code to} (exclusive). */
    public static boolean isJsonNumber(CharSequence s, int from, int to) {
        int n = to;
        int i = from;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && s.charAt(intStart) == '0')) {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            int fracStart = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fracStart) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == expStart) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Each feature of a packed row in order: its name, and its text or {@link OnlineKeys#NULL}. */
    private static void forEach(String packed, BiConsumer<String, String> action) {
        try (JsonParser p = JSON.createParser(packed)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, packed);
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                expect(value != null && value.isScalarValue(), packed);
                action.accept(name, value == JsonToken.VALUE_NULL ? OnlineKeys.NULL : p.getText());
            }
            expect(t == JsonToken.END_OBJECT, packed);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a packed feature row: " + abbreviated(packed), e);
        }
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static void expect(boolean condition, String packed) {
        if (!condition) {
            throw new IllegalArgumentException("not a packed feature row: " + abbreviated(packed));
        }
    }

    private static String abbreviated(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
