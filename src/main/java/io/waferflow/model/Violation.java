package io.waferflow.model;

import java.util.List;
import java.util.Objects;

/**
 * One data-quality violation of one input record (SPEC 2.2): which rule, on which field, the offending value, what was
 * expected, the record's identity as far as it could be read, and, for quarantined records, the raw payload so the
 * record can be replayed after a fix. A Flink POJO.
 */
public class Violation {

    public static final String RULE_UNPARSEABLE = "unparseable";
    public static final String RULE_NOT_AN_OBJECT = "not_an_object";
    public static final String RULE_REQUIRED = "required";
    public static final String RULE_TYPE = "type";
    public static final String RULE_NULLABLE = "nullable";
    public static final String RULE_NON_FINITE = "non_finite";
    public static final String RULE_RANGE = "range";
    public static final String RULE_CATEGORICAL = "categorical";
    public static final String RULE_PATTERN = "pattern";
    /** Event time before the configured earliest, or further in the future than the allowed clock skew. */
    public static final String RULE_EVENT_TIME = "implausible_event_time";

    public static final String RULE_DIE_OFF_MAP = "die_off_map";
    /** The same declared field twice in one JSON object. */
    public static final String RULE_DUPLICATE_KEY = "duplicate_key";
    /** A message larger than quality.max_record_bytes: not parsed at all. */
    public static final String RULE_TOO_LARGE = "too_large";
    /** A required string field that is empty or has no visible character: no id to key a record by. */
    public static final String RULE_BLANK = "blank";
    /** A string field longer than quality.max_string_chars: ids end up in keys and alert texts. */
    public static final String RULE_TOO_LONG = "too_long";
    /**
     * Bytes that are not UTF-8 (overlong forms, encoded surrogates, stray or missing continuation bytes, beyond
     * U+10FFFF) or a JSON escape of an unpaired UTF-16 surrogate (U+D800 to U+DFFF): text that any writer would
     * silently alter.
     */
    public static final String RULE_INVALID_UNICODE = "invalid_unicode";
    /** A second record of the same (wafer, device, event time). */
    public static final String RULE_DUPLICATE = "duplicate";
    /** A valid record that arrived after its window's allowed lateness: kept here, never dropped. */
    public static final String RULE_TOO_LATE = "too_late";
    /**
     * Model monitoring: an actual whose prediction did not arrive within {@code monitor.label_max_delay} (a second
     * prediction or actual of one prediction id is a {@link #RULE_DUPLICATE}).
     */
    public static final String RULE_ORPHAN = "orphan";

    /** The rules the parser checks (every rule but the two judged later, in keyed state and by the window). */
    public static final List<String> PARSER_RULES = List.of(
            RULE_UNPARSEABLE,
            RULE_NOT_AN_OBJECT,
            RULE_REQUIRED,
            RULE_TYPE,
            RULE_NULLABLE,
            RULE_NON_FINITE,
            RULE_RANGE,
            RULE_CATEGORICAL,
            RULE_PATTERN,
            RULE_EVENT_TIME,
            RULE_DIE_OFF_MAP,
            RULE_DUPLICATE_KEY,
            RULE_TOO_LARGE,
            RULE_BLANK,
            RULE_TOO_LONG,
            RULE_INVALID_UNICODE);

    public String rule;
    /** The field the rule applies to, or empty for record-level rules. */
    public String field;

    public String value;
    public String expected;
    public Severity severity;
    public String lotId;
    public String waferId;
    public String deviceId;
    /** Event time if it could be read, else null. */
    public Long eventTime;
    /** When the record entered the pipeline (the Kafka record timestamp): partitions quarantine by date. */
    public long observedAt;
    /** True if the record was quarantined (by this or another violation); false if it went on, flagged. */
    public boolean quarantined;
    /**
     * The record as received, for quarantined records: the UTF-8 text, or {@code base64:} and the bytes in Base64 when
     * they are not valid UTF-8, so every quarantined record can be replayed byte for byte.
     */
    public String rawPayload;
    /** Size in bytes of the message as received (null without a raw payload). */
    public Long rawPayloadBytes;
    /**
     * SHA-256 of the message as received, in hex (null without a raw payload): the violation topic carries only a
     * prefix of large payloads, and this finds the whole one in the Parquet quarantine.
     */
    public String rawPayloadSha256;

    public Violation() {}

    public Violation(String rule, String field, String value, String expected, Severity severity) {
        this.rule = rule;
        this.field = field == null ? "" : field;
        this.value = value;
        this.expected = expected;
        this.severity = severity;
    }

    /**
     * A violation that quarantines a record already read: {@code payload} is the record as an input message (re-written
     * when the original bytes are gone), kept whole so it can be replayed after a fix.
     */
    public static Violation quarantining(
            String rule,
            String field,
            String value,
            String expected,
            Severity severity,
            Long eventTime,
            long observedAt,
            byte[] payload) {
        Violation v = new Violation(rule, field, value, expected, severity);
        v.eventTime = eventTime;
        v.observedAt = observedAt;
        v.quarantined = true;
        RawPayload.of(payload).attachTo(v);
        return v;
    }

    /** The event-time date the violation belongs to: event time when known, else when it was observed. */
    public long partitionTime() {
        return eventTime != null ? eventTime : observedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Violation)) {
            return false;
        }
        Violation v = (Violation) o;
        return observedAt == v.observedAt
                && quarantined == v.quarantined
                && Objects.equals(rule, v.rule)
                && Objects.equals(field, v.field)
                && Objects.equals(value, v.value)
                && Objects.equals(expected, v.expected)
                && severity == v.severity
                && Objects.equals(waferId, v.waferId)
                && Objects.equals(lotId, v.lotId)
                && Objects.equals(deviceId, v.deviceId)
                && Objects.equals(eventTime, v.eventTime)
                && Objects.equals(rawPayload, v.rawPayload)
                && Objects.equals(rawPayloadBytes, v.rawPayloadBytes)
                && Objects.equals(rawPayloadSha256, v.rawPayloadSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, field, waferId, deviceId, eventTime);
    }

    @Override
    public String toString() {
        return severity + " " + rule + (field.isEmpty() ? "" : " on " + field) + ": " + value + " (expected " + expected
                + ") wafer=" + waferId + " device=" + deviceId;
    }
}
