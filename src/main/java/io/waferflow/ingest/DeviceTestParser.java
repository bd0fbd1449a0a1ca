package io.waferflow.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.waferflow.config.FieldSpec;
import io.waferflow.config.FieldType;
import io.waferflow.config.InputSchema;
import io.waferflow.config.QualityConfig;
import io.waferflow.quality.FieldValueRule;
import io.waferflow.quality.Severity;
import io.waferflow.quality.Violation;

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
 * Schema-driven JSON parser for device test records: one pass of Jackson's streaming parser over the payload bytes,
 * no tree and no reflection, because this is the hottest code in the job. Not thread-safe; one per operator
 * instance.
 *
 * <p>It reports structural violations (unparseable, missing required field, wrong type, null where not allowed,
 * NaN/Infinity), value rules of each declared field (range, allowed values, pattern: medium, the record goes on
 * flagged) and record-level rules (plausible event time, die on the wafer map: high). The caller quarantines the
 * record when any violation is critical or high.
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
            Map.entry(InputSchema.EVENT_TIME, EVENT_TIME), Map.entry(InputSchema.LOT_ID, LOT_ID),
            Map.entry(InputSchema.WAFER_ID, WAFER_ID), Map.entry(InputSchema.DEVICE_ID, DEVICE_ID),
            Map.entry(InputSchema.DIE_X, DIE_X), Map.entry(InputSchema.DIE_Y, DIE_Y),
            Map.entry(InputSchema.TEST_TIME_MS, TEST_TIME), Map.entry(InputSchema.PASS_FAIL, PASS_FAIL),
            Map.entry(InputSchema.HARD_BIN, HARD_BIN), Map.entry(InputSchema.SOFT_BIN, SOFT_BIN),
            Map.entry(InputSchema.TESTER_ID, TESTER_ID));

    private final JsonFactory json = new JsonFactoryBuilder()
            // Testers do write NaN and Infinity: read them so they become a precise violation, not "unparseable".
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
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
        try (JsonParser parser = json.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                violations.add(new Violation(Violation.RULE_NOT_AN_OBJECT, "", describe(parser.currentToken()),
                        "a JSON object", Severity.CRITICAL));
                return record;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                Slot slot = slots.get(parser.currentName());
                JsonToken value = parser.nextToken();
                if (slot == null) {
                    parser.skipChildren();
                    continue;
                }
                if (get(seen, slot.bit)) {
                    // JSON allows it, but which value is meant? Quarantine rather than guess.
                    parser.skipChildren();
                    violations.add(new Violation(Violation.RULE_DUPLICATE_KEY, slot.spec.name(), parser.getText(),
                            "the field once", Severity.HIGH));
                    continue;
                }
                set(seen, slot.bit);
                Violation v = read(parser, value, slot, record);
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
                violations.add(new Violation(Violation.RULE_UNPARSEABLE, "", "trailing content", "one JSON object",
                        Severity.CRITICAL));
            }
        } catch (JsonProcessingException e) {
            violations.add(new Violation(Violation.RULE_UNPARSEABLE, "", e.getOriginalMessage(), "valid JSON",
                    Severity.CRITICAL));
            return record;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail with I/O", e);
        }
        for (int w = 0; w < requiredMask.length; w++) {
            long missing = requiredMask[w] & ~seen[w];
            while (missing != 0) {
                int bit = w * 64 + Long.numberOfTrailingZeros(missing);
                missing &= missing - 1;
                violations.add(new Violation(Violation.RULE_REQUIRED, bySlotBit[bit].spec.name(), null, "present",
                        Severity.CRITICAL));
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
                violations.add(new Violation(Violation.RULE_EVENT_TIME, InputSchema.EVENT_TIME,
                        Long.toString(r.eventTime), "not before " + quality.earliestEventTime(), Severity.HIGH));
            } else if (r.eventTime > nowMillis + quality.maxFutureSkewMillis()) {
                violations.add(new Violation(Violation.RULE_EVENT_TIME, InputSchema.EVENT_TIME,
                        Long.toString(r.eventTime), "at most " + quality.maxFutureSkewMillis() + " ms after now ("
                        + nowMillis + ")", Severity.HIGH));
            }
        }
        if (valid(dieXBit) && valid(dieYBit) && !quality.onWaferMap(r.dieX, r.dieY)) {
            violations.add(new Violation(Violation.RULE_DIE_OFF_MAP, InputSchema.DIE_X + "/" + InputSchema.DIE_Y,
                    r.dieX + "," + r.dieY, "on the wafer map (" + quality.waferMap() + ")", Severity.HIGH));
        }
    }

    /** Reads one value into the record; returns a violation or null. */
    private static Violation read(JsonParser parser, JsonToken token, Slot slot, DeviceTest record) throws IOException {
        FieldSpec spec = slot.spec;
        if (token == JsonToken.VALUE_NULL) {
            return spec.nullable() ? null : new Violation(Violation.RULE_NULLABLE, spec.name(), "null",
                    "a non-null " + spec.type().name().toLowerCase(), Severity.HIGH);
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return typeMismatch(spec, token == JsonToken.START_OBJECT ? "an object" : "an array");
        }
        switch (spec.type()) {
            case STRING:
                if (token != JsonToken.VALUE_STRING) {
                    return typeMismatch(spec, parser.getText());
                }
                setString(slot.kind, parser.getText(), record);
                return slot.rule == null ? null : slot.rule.check(parser.getText());
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
            return new Violation(Violation.RULE_NON_FINITE, slot.spec.name(), parser.getText(), "a finite number",
                    Severity.HIGH);
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

    private static Violation typeMismatch(FieldSpec spec, String actual) {
        FieldType t = spec.type();
        return new Violation(Violation.RULE_TYPE, spec.name(), actual, t.name().toLowerCase(), Severity.HIGH);
    }

    private static String describe(JsonToken token) {
        return token == null ? "empty input" : token.asString() == null ? token.name() : token.asString();
    }
}
