package io.waferflow.stores.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.model.RecordJson;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A violation as one flat JSON object with the same field names as its Parquet row, for the violation topic, of a
 * bounded size whatever the input was: a Kafka producer refuses a message above its {@code max.request.size}, and an
 * exactly-once sink that fails on a record fails the job, which re-reads the same record after the restart. So every
 * text field is cut to {@link #TEXT_CHARS} characters and the raw payload to a prefix of a configured number of UTF-8
 * bytes; {@code raw_payload_bytes} and {@code raw_payload_sha256} describe the whole payload (kept in the Parquet
 * quarantine) and {@code truncated_fields} names what was cut.
 */
public final class ViolationJson {

    /** Characters kept of each text field (rule, field, value, expected, lot, wafer and device id). */
    public static final int TEXT_CHARS = 1024;
    /** Generous bound on everything else: field names, punctuation, numbers, severity, hash, truncated_fields. */
    private static final int OTHER_BYTES = 1024;
    /**
     * Most bytes one character, or one byte of UTF-8, can take once JSON-escaped: a control character becomes a
     * six-byte Unicode escape; a surrogate pair (4 bytes of UTF-8) becomes two such escapes.
     */
    private static final int ESCAPED_BYTES_PER_UNIT = 6;

    private static final JsonMapper FIELDS = RecordJson.mapper().build();
    /** The text fields cut to {@link #TEXT_CHARS}, in the order {@code truncated_fields} lists them. */
    private static final List<String> TEXT =
            List.of("rule", "field", "value", "expected", "lot_id", "wafer_id", "device_id");

    private ViolationJson() {}

    /** The most bytes {@link #toJson} can write with this raw payload prefix, whatever the violation holds. */
    public static long maxBytes(int rawPrefixBytes) {
        return OTHER_BYTES + (long) ESCAPED_BYTES_PER_UNIT * ((long) TEXT.size() * TEXT_CHARS + rawPrefixBytes);
    }

    /** The message key: the wafer id cut like every text field (null when unknown). */
    public static String key(Violation v) {
        return v.waferId == null ? null : cut(v.waferId, TEXT_CHARS);
    }

    /** The violation's fields as its Parquet row names them, text cut to bounds, and which fields were cut. */
    public static byte[] toJson(Violation v, int rawPrefixBytes) {
        ObjectNode message = FIELDS.valueToTree(v);
        ArrayNode truncated = JsonNodeFactory.instance.arrayNode();
        for (String name : TEXT) {
            JsonNode text = message.get(name);
            if (text.isTextual() && text.textValue().length() > TEXT_CHARS) {
                message.put(name, cut(text.textValue(), TEXT_CHARS));
                truncated.add(name);
            }
        }
        if (v.rawPayload != null) {
            String prefix = utf8Prefix(v.rawPayload, rawPrefixBytes);
            if (prefix.length() < v.rawPayload.length()) {
                message.put("raw_payload", prefix);
                truncated.add("raw_payload");
            }
        }
        message.set("truncated_fields", truncated);
        try {
            return FIELDS.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** At most {@code chars} characters, never half a surrogate pair. */
    static String cut(String s, int chars) {
        if (s.length() <= chars) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(chars - 1)) ? chars - 1 : chars;
        return s.substring(0, end);
    }

    /** The longest prefix whose UTF-8 encoding has at most {@code maxBytes} bytes, never half a character. */
    static String utf8Prefix(String s, int maxBytes) {
        long bytes = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int width;
            int chars = 1;
            if (c < 0x80) {
                width = 1;
            } else if (c < 0x800) {
                width = 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                width = 4;
                chars = 2;
            } else {
                width = 3;
            }
            if (bytes + width > maxBytes) {
                break;
            }
            bytes += width;
            i += chars;
        }
        return i == s.length() ? s : s.substring(0, i);
    }
}
