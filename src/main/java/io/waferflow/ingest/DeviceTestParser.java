package io.waferflow.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.waferflow.config.FieldSpec;
import io.waferflow.config.FieldType;
import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Schema-driven JSON parser for device test records: one pass of Jackson's streaming parser over the payload bytes, no
 * tree and no reflection, because this is the hottest code in the job. Not thread-safe; one per operator instance.
 *
 * <p>It reports structural violations (unparseable, missing required field, wrong type, null where not allowed,
 * NaN/Infinity, a blank required string, text that is not valid Unicode), value rules of each declared field (range,
 * allowed values, pattern: medium, the record goes on flagged) and record-level rules (plausible event time, die on the
 * wafer map: high). The caller quarantines the record when any violation is critical or high.
 *
 * <p>Valid JSON is never "unparseable": Jackson's own limits (number, string and name length, nesting depth) are raised
 * to the record size limit, and a number too long to be a reading is a {@code type} violation of its field, so the
 * record keeps its identity and counts in its wafer's quarantine rate.
 */
public final class DeviceTestParser {

    private static final int EVENT_TIME = 0;
    private static final int LOT_ID = 1;
    private static final int WAFER_ID = 2;
    private static final int DEVICE_ID = 3;
    private static final int DIE_X = 4;
    private static final int DIE_Y = 5;
    private static final int TEST_TIME = 6;
    private static final int PASS_FAIL = 7;
    private static final int HARD_BIN = 8;
    private static final int SOFT_BIN = 9;
    private static final int TESTER_ID = 10;
    private static final int PARAMETER = 11;
    /** A declared field the pipeline does not store: type-checked, then skipped. */
    private static final int OTHER = 12;

    /**
     * Longest number literal read as a value, in characters (Jackson's default limit): longer ones are a type
     * violation. Converting them costs time that grows with their length and buys no precision.
     */
    static final int MAX_NUMBER_CHARS = 1000;
    /** Characters of an over-long number or string shown in its violation. */
    private static final int SHOWN_CHARS = 40;

    /** Where a declared field goes. */
    private static final class Slot {
        final FieldSpec spec;
        final int kind;
        final int parameterIndex;
        final int bit;
        final FieldValueRule rule;

        Slot(FieldSpec spec, int kind, int parameterIndex, int bit) {
            this.spec = spec;
            this.kind = kind;
            this.parameterIndex = parameterIndex;
            this.bit = bit;
            this.rule = FieldValueRule.of(spec);
        }
    }

    private static final Map<String, Integer> CORE_KINDS = Map.ofEntries(
            Map.entry(InputSchema.EVENT_TIME, EVENT_TIME),
            Map.entry(InputSchema.LOT_ID, LOT_ID),
            Map.entry(InputSchema.WAFER_ID, WAFER_ID),
            Map.entry(InputSchema.DEVICE_ID, DEVICE_ID),
            Map.entry(InputSchema.DIE_X, DIE_X),
            Map.entry(InputSchema.DIE_Y, DIE_Y),
            Map.entry(InputSchema.TEST_TIME_MS, TEST_TIME),
            Map.entry(InputSchema.PASS_FAIL, PASS_FAIL),
            Map.entry(InputSchema.HARD_BIN, HARD_BIN),
            Map.entry(InputSchema.SOFT_BIN, SOFT_BIN),
            Map.entry(InputSchema.TESTER_ID, TESTER_ID));

    private final JsonFactory json;
    private final MalformedUtf8 utf8 = new MalformedUtf8();
    private final Map<String, Slot> slots = new HashMap<>();
    private final Slot[] bySlotBit;
    /** Presence and validity bits per declared field, one bit per field in 64-bit words: any number of fields. */
    private final long[] requiredMask;

    private final long[] seen;
    private final long[] invalid;
    private final int parameterCount;
    private final QualityConfig quality;
    private final int eventTimeBit;
    private final int dieXBit;
    private final int dieYBit;

    public DeviceTestParser(InputSchema schema, QualityConfig quality) {
        this.quality = quality;
        // Nothing in a record within quality.max_record_bytes may hit a limit of Jackson's own: that would turn valid
        // JSON into "unparseable" and lose the record's identity. Each limit counts characters or levels, and a
        // record has at least one byte per character or level.
        int limit = Math.max(quality.maxRecordBytes(), StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
        json = new JsonFactoryBuilder()
                // Testers do write NaN and Infinity: read them so they become a precise violation, not "unparseable".
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(limit)
                        .maxStringLength(limit)
                        .maxNameLength(limit)
                        .maxNestingDepth(limit)
                        .build())
                .build();
        List<FieldSpec> fields = schema.fields();
        bySlotBit = new Slot[fields.size()];
        int words = (fields.size() + 63) / 64;
        requiredMask = new long[words];
        seen = new long[words];
        invalid = new long[words];
        int p = 0;
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec f = fields.get(i);
            int kind = f.parameter() ? PARAMETER : CORE_KINDS.getOrDefault(f.name(), OTHER);
            Slot slot = new Slot(f, kind, f.parameter() ? p++ : -1, i);
            slots.put(f.name(), slot);
            bySlotBit[i] = slot;
            if (f.required()) {
                set(requiredMask, i);
            }
        }
        parameterCount = p;
        eventTimeBit = slots.get(InputSchema.EVENT_TIME).bit;
        dieXBit = slots.get(InputSchema.DIE_X).bit;
        dieYBit = slots.get(InputSchema.DIE_Y).bit;
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }

    private static boolean get(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /**
     * Parses one payload. Violations found are appended to {@code violations}; the record is quarantined when any of
     * them {@link Severity#quarantines() quarantines}. Returns the record as far as it could be read, so that even a
     * quarantined record's identity (wafer, device, event time) can be reported.
     *
     * @param nowMillis the processing time, for the future-skew limit on event times
     */
    public DeviceTest parse(byte[] payload, long nowMillis, List<Violation> violations) {
        DeviceTest record = new DeviceTest();
        record.eventTime = Long.MIN_VALUE;
        record.parameters = new double[parameterCount];
        java.util.Arrays.fill(record.parameters, Double.NaN);
        java.util.Arrays.fill(seen, 0L);
        java.util.Arrays.fill(invalid, 0L);
        boolean malformed = utf8.scan(payload);
        // Masked, Jackson reads the structure around malformed bytes, which are then charged to their fields.
        try (JsonParser parser = json.createParser(malformed ? utf8.masked(payload) : payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                violations.add(new Violation(
                        Violation.RULE_NOT_AN_OBJECT,
                        "",
                        describe(parser.currentToken()),
                        "a JSON object",
                        Severity.CRITICAL));
                return record;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                Slot slot = slots.get(parser.currentName());
                if (malformed
                        && slot != null
                        && utf8.within(
                                parser.currentTokenLocation().getByteOffset(),
                                parser.currentLocation().getByteOffset())) {
                    // A name with masked bytes is not the declared name it now spells: an unknown field.
                    slot = null;
                }
                JsonToken value = parser.nextToken();
                if (slot == null) {
                    parser.skipChildren();
                    continue;
                }
                if (get(seen, slot.bit)) {
                    // JSON allows it, but which value is meant? Quarantine rather than guess.
                    parser.skipChildren();
                    violations.add(new Violation(
                            Violation.RULE_DUPLICATE_KEY,
                            slot.spec.name(),
                            parser.getText(),
                            "the field once",
                            Severity.HIGH));
                    continue;
                }
                set(seen, slot.bit);
                Violation v = read(parser, value, slot, record, malformed ? payload : null);
                if (v != null) {
                    violations.add(v);
                    if (v.severity.quarantines()) {
                        set(invalid, slot.bit);
                    } else {
                        flag(record, slot);
                    }
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                violations.add(new Violation(
                        Violation.RULE_UNPARSEABLE, "", "trailing content", "one JSON object", Severity.CRITICAL));
            }
        } catch (JsonProcessingException e) {
            // Masked bytes read as '?' in Jackson's message: say where they were.
            String where = malformed ? " (the payload is not UTF-8 at " + utf8.first(payload) + ")" : "";
            violations.add(new Violation(
                    Violation.RULE_UNPARSEABLE, "", e.getOriginalMessage() + where, "valid JSON", Severity.CRITICAL));
            return record;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail with I/O", e);
        }
        String notCharged = malformed ? utf8.firstUncharged(payload) : null;
        if (notCharged != null) {
            // In a field name or an unknown field's value: nothing of the record is altered, but it is not UTF-8.
            violations.add(new Violation(Violation.RULE_INVALID_UNICODE, "", notCharged, "UTF-8 text", Severity.HIGH));
        }
        for (int w = 0; w < requiredMask.length; w++) {
            long missing = requiredMask[w] & ~seen[w];
            while (missing != 0) {
                int bit = w * 64 + Long.numberOfTrailingZeros(missing);
                missing &= missing - 1;
                violations.add(new Violation(
                        Violation.RULE_REQUIRED, bySlotBit[bit].spec.name(), null, "present", Severity.CRITICAL));
            }
        }
        checkRecordLevel(record, nowMillis, violations);
        return record;
    }

    /** Rules over several fields or outside knowledge, checked only where the fields themselves were valid. */
    private boolean valid(int bit) {
        return get(seen, bit) && !get(invalid, bit);
    }

    private void flag(DeviceTest record, Slot slot) {
        record.flagged = true;
        if (slot.parameterIndex >= 0) {
            if (record.flaggedParameters == null) {
                record.flaggedParameters = new long[(parameterCount + 63) / 64];
            }
            set(record.flaggedParameters, slot.parameterIndex);
        }
    }

    private void checkRecordLevel(DeviceTest r, long nowMillis, List<Violation> violations) {
        if (valid(eventTimeBit)) {
            if (r.eventTime < quality.earliestEventTime()) {
                violations.add(new Violation(
                        Violation.RULE_EVENT_TIME,
                        InputSchema.EVENT_TIME,
                        Long.toString(r.eventTime),
                        "not before " + quality.earliestEventTime(),
                        Severity.HIGH));
            } else if (r.eventTime > nowMillis + quality.maxFutureSkewMillis()) {
                violations.add(new Violation(
                        Violation.RULE_EVENT_TIME,
                        InputSchema.EVENT_TIME,
                        Long.toString(r.eventTime),
                        "at most " + quality.maxFutureSkewMillis() + " ms after now (" + nowMillis + ")",
                        Severity.HIGH));
            }
        }
        if (valid(dieXBit) && valid(dieYBit) && !quality.onWaferMap(r.dieX, r.dieY)) {
            violations.add(new Violation(
                    Violation.RULE_DIE_OFF_MAP,
                    InputSchema.DIE_X + "/" + InputSchema.DIE_Y,
                    r.dieX + "," + r.dieY,
                    "on the wafer map (" + quality.waferMap() + ")",
                    Severity.HIGH));
        }
    }

    /**
     * Reads one value into the record; returns a violation or null. {@code payload} is the unmasked payload if it has
     * malformed UTF-8, else null.
     */
    private Violation read(JsonParser parser, JsonToken token, Slot slot, DeviceTest record, byte[] payload)
            throws IOException {
        FieldSpec spec = slot.spec;
        if (token == JsonToken.VALUE_NULL) {
            return spec.nullable()
                    ? null
                    : new Violation(
                            Violation.RULE_NULLABLE,
                            spec.name(),
                            "null",
                            "a non-null " + spec.type().name().toLowerCase(),
                            Severity.HIGH);
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return typeMismatch(spec, token == JsonToken.START_OBJECT ? "an object" : "an array");
        }
        if (token == JsonToken.VALUE_STRING) {
            Violation v = checkUnicode(parser, spec, payload);
            if (v != null) {
                return v;
            }
        } else if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)
                && parser.getTextLength() > MAX_NUMBER_CHARS) {
            // Valid JSON but no reading: a type violation of its field, so the record keeps its identity.
            return new Violation(
                    Violation.RULE_TYPE,
                    spec.name(),
                    shown(parser.getText()),
                    spec.type().name().toLowerCase() + " (a number of at most " + MAX_NUMBER_CHARS + " characters)",
                    Severity.HIGH);
        }
        switch (spec.type()) {
            case STRING:
                if (token != JsonToken.VALUE_STRING) {
                    return typeMismatch(spec, parser.getText());
                }
                String text = parser.getText();
                if (spec.required() && blank(text)) {
                    return new Violation(
                            Violation.RULE_BLANK,
                            spec.name(),
                            text,
                            "a string with a visible character",
                            Severity.HIGH);
                }
                if (text.length() > quality.maxStringChars()) {
                    return new Violation(
                            Violation.RULE_TOO_LONG,
                            spec.name(),
                            shown(text),
                            "at most " + quality.maxStringChars() + " characters",
                            Severity.HIGH);
                }
                setString(slot.kind, text, record);
                return slot.rule == null ? null : slot.rule.check(text);
            case INT:
                return readInt(parser, token, slot, record);
            case FLOAT:
                return readFloat(parser, token, slot, record);
            case TIMESTAMP:
                return readTimestamp(parser, token, slot, record);
            default:
                throw new IllegalStateException("unknown type " + spec.type());
        }
    }

    private static Violation readInt(JsonParser parser, JsonToken token, Slot slot, DeviceTest record)
            throws IOException {
        int value;
        if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
            value = parser.getIntValue();
        } else if (token == JsonToken.VALUE_NUMBER_FLOAT && isWhole(parser.getDoubleValue())) {
            // Producers that only know doubles write 3.0 for 3: accept exact whole numbers.
            value = (int) parser.getDoubleValue();
        } else {
            return typeMismatch(slot.spec, parser.getText());
        }
        switch (slot.kind) {
            case DIE_X:
                record.dieX = value;
                break;
            case DIE_Y:
                record.dieY = value;
                break;
            case PASS_FAIL:
                record.passFail = value;
                break;
            case HARD_BIN:
                record.hardBin = value;
                break;
            case SOFT_BIN:
                record.softBin = value;
                break;
            case PARAMETER:
                record.parameters[slot.parameterIndex] = value;
                break;
            default:
                break;
        }
        return slot.rule == null ? null : slot.rule.check(value);
    }

    private static boolean isWhole(double d) {
        return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE;
    }

    private static Violation readFloat(JsonParser parser, JsonToken token, Slot slot, DeviceTest record)
            throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return typeMismatch(slot.spec, parser.getText());
        }
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value)) {
            return new Violation(
                    Violation.RULE_NON_FINITE, slot.spec.name(), parser.getText(), "a finite number", Severity.HIGH);
        }
        if (slot.kind == TEST_TIME) {
            record.testTimeMs = value;
        } else if (slot.kind == PARAMETER) {
            record.parameters[slot.parameterIndex] = value;
        }
        return slot.rule == null ? null : slot.rule.check(value);
    }

    private static Violation readTimestamp(JsonParser parser, JsonToken token, Slot slot, DeviceTest record)
            throws IOException {
        long millis;
        if (token == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType();
            if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                return typeMismatch(slot.spec, parser.getText());
            }
            millis = parser.getLongValue();
        } else if (token == JsonToken.VALUE_STRING) {
            try {
                millis = parseIsoTimestamp(parser.getText());
            } catch (DateTimeException | ArithmeticException e) {
                // ArithmeticException: a valid ISO date beyond the range of epoch millis (year ±292 million).
                return typeMismatch(slot.spec, parser.getText());
            }
        } else {
            return typeMismatch(slot.spec, parser.getText());
        }
        if (slot.kind == EVENT_TIME) {
            record.eventTime = millis;
        }
        return null;
    }

    /** ISO-8601 with an offset ("...Z", "...+02:00"); without one the time is taken as UTC. */
    static long parseIsoTimestamp(String text) {
        long fast = IsoTimestamps.parseCommon(text);
        if (fast != IsoTimestamps.NOT_COMMON) {
            return fast;
        }
        TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
        if (t instanceof OffsetDateTime) {
            return ((OffsetDateTime) t).toInstant().toEpochMilli();
        }
        return ((LocalDateTime) t).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static void setString(int kind, String text, DeviceTest record) {
        switch (kind) {
            case LOT_ID:
                record.lotId = text;
                break;
            case WAFER_ID:
                record.waferId = text;
                break;
            case DEVICE_ID:
                record.deviceId = text;
                break;
            case TESTER_ID:
                record.testerId = text;
                break;
            default:
                break;
        }
    }

    /**
     * An {@code invalid_unicode} violation if the string value just read is not valid Unicode: it held malformed UTF-8
     * (masked before parsing) or an escaped surrogate without its other half. Either would be stored as other
     * characters than were sent.
     */
    private Violation checkUnicode(JsonParser parser, FieldSpec spec, byte[] payload) throws IOException {
        String text = parser.getText();
        if (payload != null) {
            // After getText() the parser stands behind the closing quote.
            long start = parser.currentTokenLocation().getByteOffset();
            long end = parser.currentLocation().getByteOffset();
            if (utf8.charge(start, end)) {
                return new Violation(
                        Violation.RULE_INVALID_UNICODE,
                        spec.name(),
                        utf8.show(payload, (int) start + 1, (int) end - 1),
                        "UTF-8 text",
                        Severity.HIGH);
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1)))) {
                return new Violation(
                        Violation.RULE_INVALID_UNICODE,
                        spec.name(),
                        showSurrogates(text),
                        "text without unpaired surrogates",
                        Severity.HIGH);
            }
            if (Character.isHighSurrogate(c)) {
                i++; // its low half, checked above
            }
        }
        return null;
    }

    /** A long text as its start and its length: the whole is in the raw payload. */
    private static String shown(String text) {
        if (text.length() <= SHOWN_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(SHOWN_CHARS - 1)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
        return text.substring(0, end) + "… (" + text.length() + " characters)";
    }

    /** The text with every surrogate written as its JSON escape, so an unpaired one shows as sent. */
    private static String showSurrogates(String text) {
        StringBuilder s = new StringBuilder(text.length() + 12);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                s.append(String.format("\\u%04X", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * Empty, or only whitespace, control and invisible format characters (such as a zero-width space): nothing a person
     * could read back as an id.
     */
    static boolean blank(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!Character.isWhitespace(c)
                    && !Character.isSpaceChar(c)
                    && !Character.isISOControl(c)
                    && Character.getType(c) != Character.FORMAT) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    private static Violation typeMismatch(FieldSpec spec, String actual) {
        FieldType t = spec.type();
        return new Violation(Violation.RULE_TYPE, spec.name(), actual, t.name().toLowerCase(), Severity.HIGH);
    }

    private static String describe(JsonToken token) {
        return token == null ? "empty input" : token.asString() == null ? token.name() : token.asString();
    }
}
