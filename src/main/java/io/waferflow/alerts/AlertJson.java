package io.waferflow.alerts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An alert as JSON: the flat object of the alert topic and the JSON webhook ({@link #toJson}), read back by
 * {@link #fromJson}; and a Slack incoming-webhook payload ({@link #toSlack}).
 *
 * <p>The flat object has snake_case names, every field always present: epoch millis for {@code first_seen},
 * {@code last_seen}, {@code window_start}, {@code window_end}, plus ISO-8601 UTC strings {@code first_seen_at} and
 * {@code last_seen_at} for people; numbers that do not apply (NaN) and strings that are not set are {@code null}
 * (JSON has no NaN); {@code likely_causes} and {@code recommended_actions} are arrays of strings.
 */
public final class AlertJson {

    private static final JsonFactory JSON = new JsonFactory();

    /** Slack's limits: header text 150 characters, section text 3000, a field 2000, at most 10 fields. */
    private static final int SLACK_HEADER_MAX = 150;
    private static final int SLACK_TEXT_MAX = 3000;
    private static final int SLACK_FIELD_MAX = 2000;
    private static final int SLACK_FIELDS_MAX = 10;

    private AlertJson() {}

    public static byte[] toJson(Alert a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("notification_id", a.notificationId);
            g.writeStringField("alert_id", a.alertId);
            g.writeStringField("key", a.key);
            g.writeStringField("type", a.type);
            g.writeStringField("subject", a.subject);
            g.writeStringField("severity", a.severity == null ? null : a.severity.name());
            g.writeStringField("status", a.status == null ? null : a.status.name());
            g.writeBooleanField("escalated", a.escalated);
            g.writeStringField("title", a.title);
            g.writeStringField("message", a.message);
            g.writeNumberField("first_seen", a.firstSeen);
            g.writeStringField("first_seen_at", AlertFacts.iso(a.firstSeen));
            g.writeNumberField("last_seen", a.lastSeen);
            g.writeStringField("last_seen_at", AlertFacts.iso(a.lastSeen));
            g.writeNumberField("occurrences", a.occurrences);
            g.writeNumberField("window_start", a.windowStart);
            g.writeNumberField("window_end", a.windowEnd);

            g.writeStringField("feature", a.feature);
            number(g, "baseline_mean", a.baselineMean);
            number(g, "baseline_std", a.baselineStd);
            number(g, "current_mean", a.currentMean);
            number(g, "current_std", a.currentStd);
            number(g, "shift_sigma", a.shiftSigma);
            number(g, "psi", a.psi);
            number(g, "ks_d", a.ksD);
            number(g, "ks_p_value", a.ksPValue);
            number(g, "fdr_threshold", a.fdrThreshold);
            g.writeNumberField("n_baseline", a.nBaseline);
            g.writeNumberField("n_current", a.nCurrent);
            g.writeStringField("features", a.features);

            g.writeStringField("wafer_id", a.waferId);
            g.writeStringField("lot_id", a.lotId);
            g.writeStringField("field", a.field);
            number(g, "rate", a.rate);
            number(g, "threshold", a.threshold);

            strings(g, "likely_causes", a.likelyCauses);
            strings(g, "recommended_actions", a.recommendedActions);
            g.writeStringField("runbook", a.runbook);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads an object written by {@link #toJson}. Unknown fields are skipped (a newer writer may add some), missing
     * ones keep the {@link Alert} defaults, {@code null} numbers become NaN.
     *
     * @throws IOException if the bytes are not a JSON object or a field has the wrong type
     */
    public static Alert fromJson(byte[] json) throws IOException {
        Alert a = new Alert();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("an alert is a JSON object, found " + p.currentToken());
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "notification_id" -> a.notificationId = string(p);
                    case "alert_id" -> a.alertId = string(p);
                    case "key" -> a.key = string(p);
                    case "type" -> a.type = string(p);
                    case "subject" -> a.subject = string(p);
                    case "severity" -> a.severity = severity(p);
                    case "status" -> a.status = status(p);
                    case "escalated" -> a.escalated = p.currentToken() == JsonToken.VALUE_TRUE;
                    case "title" -> a.title = string(p);
                    case "message" -> a.message = string(p);
                    case "first_seen" -> a.firstSeen = integer(p);
                    case "last_seen" -> a.lastSeen = integer(p);
                    case "occurrences" -> a.occurrences = integer(p);
                    case "window_start" -> a.windowStart = integer(p);
                    case "window_end" -> a.windowEnd = integer(p);
                    case "feature" -> a.feature = string(p);
                    case "baseline_mean" -> a.baselineMean = number(p);
                    case "baseline_std" -> a.baselineStd = number(p);
                    case "current_mean" -> a.currentMean = number(p);
                    case "current_std" -> a.currentStd = number(p);
                    case "shift_sigma" -> a.shiftSigma = number(p);
                    case "psi" -> a.psi = number(p);
                    case "ks_d" -> a.ksD = number(p);
                    case "ks_p_value" -> a.ksPValue = number(p);
                    case "fdr_threshold" -> a.fdrThreshold = number(p);
                    case "n_baseline" -> a.nBaseline = integer(p);
                    case "n_current" -> a.nCurrent = integer(p);
                    case "features" -> a.features = string(p);
                    case "wafer_id" -> a.waferId = string(p);
                    case "lot_id" -> a.lotId = string(p);
                    case "field" -> a.field = string(p);
                    case "rate" -> a.rate = number(p);
                    case "threshold" -> a.threshold = number(p);
                    case "likely_causes" -> a.likelyCauses = strings(p);
                    case "recommended_actions" -> a.recommendedActions = strings(p);
                    case "runbook" -> a.runbook = string(p);
                    default -> p.skipChildren(); // first_seen_at, last_seen_at (derived) and fields of newer writers
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("the alert object is not closed");
            }
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the alert object");
            }
        }
        return a;
    }

    /** {@link #toSlack(Alert, String)} with the runbook shown as a repository path. */
    public static byte[] toSlack(Alert a) {
        return toSlack(a, null);
    }

    /**
     * A Slack incoming-webhook payload: {@code text} (the notification's fallback line) and {@code blocks}: a
     * header, the message, the key numbers as fields, likely causes, recommended actions, and a context line with
     * the runbook link, the alert key and the notification id.
     *
     * @param runbookBaseUrl where {@code docs/runbooks/...} is published (e.g. the repository's web URL ending in
     *                       {@code /blob/main/}); null shows the runbook as a path
     */
    public static byte[] toSlack(Alert a, String runbookBaseUrl) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        String headline = (a.severity == null ? "?" : a.severity.name()) + " "
                + (a.status == null ? "?" : a.status.name()) + (a.escalated ? " (escalated)" : "") + ": "
                + (a.title == null ? a.key : a.title);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("text", truncate(emoji(a) + " " + headline
                    + (a.subject == null ? "" : " [" + a.subject + "]"), SLACK_TEXT_MAX));
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
                section(g, escape(a.message) + (a.escalated
                        ? "\n_Escalated: the condition has held past its escalation time._" : ""));
            }

            List<AlertFacts.Fact> facts = AlertFacts.all(a);
            g.writeStartObject();
            g.writeStringField("type", "section");
            g.writeArrayFieldStart("fields");
            for (AlertFacts.Fact f : facts.subList(0, Math.min(SLACK_FIELDS_MAX, facts.size()))) {
                g.writeStartObject();
                g.writeStringField("type", "mrkdwn");
                g.writeStringField("text", truncate("*" + escape(f.label()) + "*\n" + escape(f.value()), SLACK_FIELD_MAX));
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
            g.writeStringField("text", truncate(runbookLink(a.runbook, runbookBaseUrl) + "  ·  key `" + escape(a.key)
                    + "`  ·  notification `" + escape(a.notificationId) + "`", SLACK_TEXT_MAX));
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

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    private static void strings(JsonGenerator g, String name, String[] values) throws IOException {
        if (values == null) {
            g.writeNullField(name);
            return;
        }
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static String string(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new IOException("field " + p.currentName() + ": expected a string, found " + t);
        }
        return p.getText();
    }

    private static long integer(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("field " + p.currentName() + ": expected a whole number, found " + p.currentToken());
        }
        return p.getLongValue();
    }

    private static double number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IOException("field " + p.currentName() + ": expected a number or null, found " + t);
        }
        return p.getDoubleValue();
    }

    private static String[] strings(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("field " + p.currentName() + ": expected an array of strings");
        }
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(string(p));
        }
        return values.toArray(new String[0]);
    }

    private static AlertSeverity severity(JsonParser p) throws IOException {
        String s = string(p);
        try {
            return s == null ? null : AlertSeverity.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IOException("field severity: '" + s + "' is not one of P0, P1, P2, P3");
        }
    }

    private static AlertStatus status(JsonParser p) throws IOException {
        String s = string(p);
        try {
            return s == null ? null : AlertStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IOException("field status: '" + s + "' is not FIRING or RESOLVED");
        }
    }
}
