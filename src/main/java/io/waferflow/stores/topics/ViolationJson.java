package io.waferflow.stores.topics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.waferflow.model.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A violation as one flat JSON object with the same field names as its Parquet row, for the violation topic, of a
 * bounded size whatever the input was: a Kafka producer refuses a message above its {@code max.request.size}, and
 * an exactly-once sink that fails on a record fails the job, which re-reads the same record after the restart. So
 * every text field is cut to {@link #TEXT_CHARS} characters and the raw payload to a prefix of a configured number of
 * UTF-8 bytes; {@code raw_payload_bytes} and {@code raw_payload_sha256} describe the whole payload (kept in the
 * Parquet quarantine) and {@code truncated_fields} names what was cut.
 */
public final class ViolationJson {

    /** Characters kept of each text field (rule, field, value, expected, lot, wafer and device id). */
    public static final int TEXT_CHARS = 1024;
    private static final int TEXT_FIELDS = 7;
    /** Generous bound on everything else: field names, punctuation, numbers, severity, hash, truncated_fields. */
    private static final int OTHER_BYTES = 1024;
    /**
     * Most bytes one character, or one byte of UTF-8, can take once JSON-escaped: a control character becomes a
     * six-byte Unicode escape; a surrogate pair (4 bytes of UTF-8) becomes two such escapes.
     */
    private static final int ESCAPED_BYTES_PER_UNIT = 6;

    private static final JsonFactory JSON = new JsonFactory();

    private ViolationJson() {}

    /** The most bytes {@link #toJson} can write with this raw payload prefix, whatever the violation holds. */
    public static long maxBytes(int rawPrefixBytes) {
        return OTHER_BYTES + (long) ESCAPED_BYTES_PER_UNIT * ((long) TEXT_FIELDS * TEXT_CHARS + rawPrefixBytes);
    }

    /** The message key: the wafer id cut like every text field (null when unknown). */
    public static String key(Violation v) {
        return v.waferId == null ? null : cut(v.waferId, TEXT_CHARS);
    }

    public static byte[] toJson(Violation v, int rawPrefixBytes) {
        List<String> truncated = new ArrayList<>(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            text(g, "rule", v.rule, truncated);
            text(g, "field", v.field, truncated);
            text(g, "value", v.value, truncated);
            text(g, "expected", v.expected, truncated);
            g.writeStringField("severity", v.severity.name());
            text(g, "lot_id", v.lotId, truncated);
            text(g, "wafer_id", v.waferId, truncated);
            text(g, "device_id", v.deviceId, truncated);
            if (v.eventTime == null) {
                g.writeNullField("event_time");
            } else {
                g.writeNumberField("event_time", v.eventTime);
            }
            g.writeNumberField("observed_at", v.observedAt);
            g.writeBooleanField("quarantined", v.quarantined);
            String prefix = v.rawPayload == null ? null : utf8Prefix(v.rawPayload, rawPrefixBytes);
            if (prefix != null && prefix.length() < v.rawPayload.length()) {
                truncated.add("raw_payload");
            }
            g.writeStringField("raw_payload", prefix);
            if (v.rawPayloadBytes == null) {
                g.writeNullField("raw_payload_bytes");
            } else {
                g.writeNumberField("raw_payload_bytes", v.rawPayloadBytes);
            }
            g.writeStringField("raw_payload_sha256", v.rawPayloadSha256);
            g.writeArrayFieldStart("truncated_fields");
            for (String name : truncated) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void text(JsonGenerator g, String name, String value, List<String> truncated) throws IOException {
        String kept = value == null ? null : cut(value, TEXT_CHARS);
        if (kept != null && kept.length() < value.length()) {
            truncated.add(name);
        }
        g.writeStringField(name, kept);
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
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
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
