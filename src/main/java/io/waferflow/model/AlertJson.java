package io.waferflow.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An alert as JSON: the flat object of the alert topic and the JSON webhook ({@link #toJson}), read back by
 * {@link #fromJson}; and a Slack incoming-webhook payload ({@link #toSlack}).
 *
 * <p>The flat object has snake_case names, every field always present: epoch millis for {@code first_seen},
 * {@code last_seen}, {@code window_start}, {@code window_end}, plus ISO-8601 UTC strings {@code first_seen_at} and
 * {@code last_seen_at} for people; numbers that do not apply (NaN) and strings that are not set are {@code null} (JSON
 * has no NaN); {@code likely_causes} and {@code recommended_actions} are arrays of strings. It is bound by Jackson
 * databind from the {@link Alert} POJO's public fields, in their declaration order.
 */
public final class AlertJson {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The flat object: an {@link Alert}'s public fields in declaration order, snake_case; numbers that do not apply
     * (NaN, and infinities) as null and back as NaN.
     */
    private static final JsonMapper FLAT = RecordJson.mapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("finite-or-null")
                    .addSerializer(double.class, new StdSerializer<Double>(Double.class) {
                        @Override
                        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                            if (Double.isFinite(v)) {
                                g.writeNumber(v);
                            } else {
                                g.writeNull();
                            }
                        }
                    })
                    .addDeserializer(double.class, new StdDeserializer<Double>(Double.class) {
                        @Override
                        public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
                            if (!p.currentToken().isNumeric()) {
                                return (Double) c.handleUnexpectedToken(Double.class, p);
                            }
                            return p.getDoubleValue();
                        }

                        @Override
                        public Double getNullValue(DeserializationContext c) {
                            return Double.NaN;
                        }
                    }))
            .build();

    /** Slack's limits: header text 150 characters, section text 3000, a field 2000, at most 10 fields. */
    private static final int SLACK_HEADER_MAX = 150;

    private static final int SLACK_TEXT_MAX = 3000;
    private static final int SLACK_FIELD_MAX = 2000;
    private static final int SLACK_FIELDS_MAX = 10;

    private AlertJson() {}

    public static byte[] toJson(Alert a) {
        ObjectNode fields = FLAT.valueToTree(a);
        ObjectNode out = FLAT.createObjectNode();
        fields.fields().forEachRemaining(f -> {
            out.set(f.getKey(), f.getValue());
            // Derived, for people: the epoch millis before them stay the contract.
            if (f.getKey().equals("first_seen")) {
                out.put("first_seen_at", AlertFacts.iso(a.firstSeen));
            } else if (f.getKey().equals("last_seen")) {
                out.put("last_seen_at", AlertFacts.iso(a.lastSeen));
            }
        });
        try {
            return FLAT.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /**
     * Reads an object written by {@link #toJson}. Unknown fields are skipped (the derived {@code *_at} times, fields of
     * a newer writer), missing ones keep the {@link Alert} defaults, {@code null} numbers become NaN.
     *
     * @throws IOException if the bytes are not one JSON object or a field has the wrong type
     */
    public static Alert fromJson(byte[] json) throws IOException {
        JsonNode tree;
        try {
            tree = FLAT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException("not an alert: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IOException(
                    "an alert is a JSON object, found " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        try {
            return FLAT.treeToValue(tree, Alert.class);
        } catch (JsonMappingException e) {
            throw new IOException("not an alert: " + e.getOriginalMessage() + " (at " + e.getPathReference() + ")", e);
        }
    }

    /** {@link #toSlack(Alert, String)} with the runbook shown as a repository path. */
    public static byte[] toSlack(Alert a) {
        return toSlack(a, null);
    }

    /**
     * A Slack incoming-webhook payload: {@code text} (the notification's fallback line) and {@code blocks}: a header,
     * the message, the key numbers as fields, likely causes, recommended actions, and a context line with the runbook
     * link, the alert key and the notification id.
     *
     * @param runbookBaseUrl where {@code docs/runbooks/...} is published (e.g. the repository's web URL ending in
     *     {@code /blob/main/}); null shows the runbook as a path
     */
    public static byte[] toSlack(Alert a, String runbookBaseUrl) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        String headline = (a.severity == null ? "?" : a.severity.name()) + " "
                + (a.status == null ? "?" : a.status.name()) + (a.escalated ? " (escalated)" : "") + ": "
                + (a.title == null ? a.key : a.title);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(
                    "text",
                    truncate(
                            emoji(a) + " " + headline + (a.subject == null ? "" : " [" + a.subject + "]"),
                            SLACK_TEXT_MAX));
            g.writeArrayFieldStart("blocks");

            g.writeStartObject();
            g.writeStringField("type", "header");
            g.writeObjectFieldStart("text");
            g.writeStringField("type", "plain_text");
            g.writeStringField("text", truncate(emoji(a) + " " + headline, SLACK_HEADER_MAX));
            g.writeBooleanField("emoji", true);
            g.writeEndObject();
            g.writeEndObject();

            if (a.message != null && !a.message.isBlank()) {
                section(
                        g,
                        escape(a.message)
                                + (a.escalated
                                        ? "\n_Escalated: the condition has held past its escalation time._"
                                        : ""));
            }

            List<AlertFacts.Fact> facts = AlertFacts.all(a);
            g.writeStartObject();
            g.writeStringField("type", "section");
            g.writeArrayFieldStart("fields");
            for (AlertFacts.Fact f : facts.subList(0, Math.min(SLACK_FIELDS_MAX, facts.size()))) {
                g.writeStartObject();
                g.writeStringField("type", "mrkdwn");
                g.writeStringField(
                        "text", truncate("*" + escape(f.label()) + "*\n" + escape(f.value()), SLACK_FIELD_MAX));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();

            if (a.likelyCauses != null && a.likelyCauses.length > 0) {
                section(g, "*Likely causes*\n" + bullets(a.likelyCauses));
            }
            if (a.recommendedActions != null && a.recommendedActions.length > 0) {
                section(g, "*Recommended actions*\n" + bullets(a.recommendedActions));
            }

            g.writeStartObject();
            g.writeStringField("type", "context");
            g.writeArrayFieldStart("elements");
            g.writeStartObject();
            g.writeStringField("type", "mrkdwn");
            g.writeStringField(
                    "text",
                    truncate(
                            runbookLink(a.runbook, runbookBaseUrl) + "  ·  key `" + escape(a.key)
                                    + "`  ·  notification `" + escape(a.notificationId) + "`",
                            SLACK_TEXT_MAX));
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();

            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static String runbookLink(String runbook, String baseUrl) {
        if (runbook == null || runbook.isBlank()) {
            return "Runbook: none";
        }
        if (baseUrl == null || baseUrl.isBlank()) {
            return "Runbook: `" + escape(runbook) + "`";
        }
        String url = baseUrl.endsWith("/") ? baseUrl + runbook : baseUrl + "/" + runbook;
        return "Runbook: <" + url + "|" + escape(runbook) + ">";
    }

    private static String emoji(Alert a) {
        if (a.status == AlertStatus.RESOLVED) {
            return "✅";
        }
        if (a.severity == null) {
            return "❔";
        }
        return switch (a.severity) {
            case P0 -> "🚨";
            case P1 -> "🔴";
            case P2 -> "🟠";
            case P3 -> "🔵";
        };
    }

    private static void section(JsonGenerator g, String mrkdwn) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "section");
        g.writeObjectFieldStart("text");
        g.writeStringField("type", "mrkdwn");
        g.writeStringField("text", truncate(mrkdwn, SLACK_TEXT_MAX));
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String bullets(String[] lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(sb.length() == 0 ? "" : "\n").append("• ").append(escape(l));
        }
        return sb.toString();
    }

    /** Slack's mrkdwn reserves &, < and > (links, mentions): they must be sent as entities. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
