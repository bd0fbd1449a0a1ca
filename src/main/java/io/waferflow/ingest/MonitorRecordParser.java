package io.waferflow.ingest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.model.Actual;
import io.waferflow.model.MonitorJson;
import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Prediction;
import io.waferflow.model.RawPayload;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.io.IOException;
import java.io.Serializable;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads one message of the predictions or actuals topic (docs/monitoring.md) with Jackson and checks it: required
 * fields present, of their type, finite, ids not blank nor longer than {@code quality.max_string_chars}, the message
 * not larger than {@code quality.max_record_bytes}. A message with any violation is quarantined whole: a prediction or
 * actual with one wrong field cannot be joined or counted correctly. Never throws for bad input.
 */
final class MonitorRecordParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Which topic a message comes from. */
    enum Kind {
        PREDICTION,
        ACTUAL
    }

    // A key twice in one object is an error rather than "last one wins": the two values may disagree.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Kind kind;
    private final int maxRecordBytes;
    private final int maxStringChars;

    MonitorRecordParser(Kind kind, int maxRecordBytes, int maxStringChars) {
        this.kind = kind;
        this.maxRecordBytes = maxRecordBytes;
        this.maxStringChars = maxStringChars;
    }

    /** Parses one payload (null: a tombstone) that entered the pipeline at {@code observedAt}. */
    ParsedMonitorRecord parse(byte[] payload, long observedAt) {
        byte[] bytes = payload == null ? new byte[0] : payload;
        List<Violation> violations = new ArrayList<>();
        ParsedMonitorRecord parsed = new ParsedMonitorRecord();
        Long eventTime = null;
        String predictionId = null;
        String entity = null;
        if (bytes.length > maxRecordBytes) {
            violations.add(critical(
                    Violation.RULE_TOO_LARGE, "", bytes.length + " bytes", "at most " + maxRecordBytes + " bytes"));
        } else {
            try {
                JsonNode root = JSON.readTree(bytes);
                if (root == null || !root.isObject()) {
                    violations.add(critical(
                            Violation.RULE_NOT_AN_OBJECT,
                            "",
                            root == null ? "" : root.getNodeType().name(),
                            "an object"));
                } else {
                    Fields f = new Fields(root, violations);
                    predictionId = f.id(MonitorJson.PREDICTION_ID);
                    eventTime = f.eventTime();
                    if (kind == Kind.PREDICTION) {
                        Prediction p = prediction(f, predictionId, eventTime, observedAt);
                        entity = p.entity;
                        parsed.prediction = violations.isEmpty() ? p : null;
                    } else {
                        Actual a = actual(f, predictionId, eventTime, observedAt);
                        parsed.actual = violations.isEmpty() ? a : null;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Not JSON (or not UTF-8, a duplicate key, ...): Jackson's message says where.
                violations.add(critical(Violation.RULE_UNPARSEABLE, "", String.valueOf(e.getMessage()), "JSON"));
            }
        }
        if (!violations.isEmpty()) {
            RawPayload raw = RawPayload.of(bytes);
            for (Violation v : violations) {
                v.waferId = entity;
                v.deviceId = predictionId;
                v.eventTime = eventTime;
                v.observedAt = observedAt;
                v.quarantined = true;
                raw.attachTo(v);
            }
            parsed.violations = violations.toArray(new Violation[0]);
        }
        return parsed;
    }

    private static Prediction prediction(Fields f, String predictionId, Long eventTime, long observedAt) {
        Prediction p = new Prediction();
        p.predictionId = predictionId;
        p.model = f.id(MonitorJson.MODEL);
        p.modelVersion = f.id(MonitorJson.MODEL_VERSION);
        p.entity = f.id(MonitorJson.ENTITY);
        p.eventTime = eventTime == null ? Long.MIN_VALUE : eventTime;
        p.observedAt = observedAt;
        JsonNode prediction = f.required(MonitorJson.PREDICTION);
        if (prediction != null) {
            if (prediction.isTextual()) {
                p.predictedClass = f.text(MonitorJson.PREDICTION, prediction);
            } else {
                p.value = f.number(MonitorJson.PREDICTION, prediction, "a class (string) or a number");
            }
        }
        JsonNode score = f.root.get(MonitorJson.SCORE);
        if (score != null && !score.isNull()) {
            p.score = f.number(MonitorJson.SCORE, score, "a number");
        }
        JsonNode features = f.root.get(MonitorJson.FEATURES);
        if (features != null && !features.isNull()) {
            if (!features.isObject()) {
                f.add(
                        Violation.RULE_TYPE,
                        MonitorJson.FEATURES,
                        features.getNodeType().name(),
                        "an object");
            } else {
                p.featureNames = new String[features.size()];
                p.featureValues = new double[features.size()];
                int i = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); i++) {
                    Map.Entry<String, JsonNode> input = it.next();
                    p.featureNames[i] = input.getKey();
                    p.featureValues[i] = input.getValue().isNull()
                            ? Double.NaN
                            : f.number(
                                    MonitorJson.FEATURES + "." + input.getKey(), input.getValue(), "a number or null");
                }
            }
        }
        return p;
    }

    private static Actual actual(Fields f, String predictionId, Long eventTime, long observedAt) {
        Actual a = new Actual();
        a.predictionId = predictionId;
        a.eventTime = eventTime == null ? Long.MIN_VALUE : eventTime;
        a.observedAt = observedAt;
        JsonNode actual = f.required(MonitorJson.ACTUAL);
        if (actual != null) {
            if (actual.isTextual()) {
                a.actualClass = f.text(MonitorJson.ACTUAL, actual);
            } else {
                a.actualValue = f.number(MonitorJson.ACTUAL, actual, "a class (string) or a number");
            }
        }
        return a;
    }

    private static Violation critical(String rule, String field, String value, String expected) {
        return new Violation(rule, field, value, expected, Severity.CRITICAL);
    }

    /** One JSON object's fields, read with their checks; every failed check adds a violation. */
    private final class Fields {

        final JsonNode root;
        final List<Violation> violations;

        Fields(JsonNode root, List<Violation> violations) {
            this.root = root;
            this.violations = violations;
        }

        void add(String rule, String field, String value, String expected) {
            violations.add(new Violation(rule, field, cut(value), expected, Severity.HIGH));
        }

        JsonNode required(String name) {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                add(Violation.RULE_REQUIRED, name, "", "a value");
                return null;
            }
            return node;
        }

        /** A required id: a string, not blank, at most max_string_chars. */
        String id(String name) {
            JsonNode node = required(name);
            if (node == null) {
                return null;
            }
            if (!node.isTextual()) {
                add(Violation.RULE_TYPE, name, node.toString(), "a string");
                return null;
            }
            return text(name, node);
        }

        String text(String name, JsonNode node) {
            String s = node.textValue();
            if (s.isBlank()) {
                add(Violation.RULE_BLANK, name, s, "a visible character");
                return null;
            }
            if (s.length() > maxStringChars) {
                add(Violation.RULE_TOO_LONG, name, s.length() + " characters", "at most " + maxStringChars);
                return null;
            }
            return s;
        }

        double number(String name, JsonNode node, String expected) {
            if (!node.isNumber()) {
                add(Violation.RULE_TYPE, name, node.toString(), expected);
                return Double.NaN;
            }
            double v = node.doubleValue();
            if (!Double.isFinite(v)) {
                add(Violation.RULE_NON_FINITE, name, node.asText(), "a finite number");
            }
            return v;
        }

        /** ISO-8601 instant, or epoch millis as an integer. */
        Long eventTime() {
            JsonNode node = required(MonitorJson.EVENT_TIME);
            if (node == null) {
                return null;
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isTextual()) {
                try {
                    return DeviceTestParser.parseIsoTimestamp(node.textValue());
                } catch (DateTimeParseException | ArithmeticException e) {
                    // falls through to the violation
                }
            }
            add(Violation.RULE_TYPE, MonitorJson.EVENT_TIME, node.toString(), "an ISO-8601 instant or epoch millis");
            return null;
        }

        private String cut(String value) {
            return value.length() > maxStringChars ? value.substring(0, maxStringChars) + "..." : value;
        }
    }
}
