package io.waferflow.config;

import io.waferflow.alerts.AlertSeverity;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/** Alerting settings ({@code alerts.*}, SPEC 5): false-discovery control, the sustain/resolve policies, the sinks. */
public final class AlertsConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum WebhookFormat { JSON, SLACK }

    private final boolean enabled;
    private final boolean fdr;
    private final double fdrQ;
    private final int severalFeatures;
    private final double falseAlarmTargetPerHour;
    private final AlertPolicySpec driftPolicy;
    private final AlertPolicySpec qualityPolicy;
    private final String kafkaTopic;
    private final String webhookUrl;
    private final Secret webhookToken;
    private final String webhookTokenHeader;
    private final WebhookFormat webhookFormat;
    private final int webhookAttempts;
    private final Duration webhookBackoff;
    private final AlertSeverity webhookMinSeverity;
    private final boolean log;

    private AlertsConfig(RawConfig raw, Duration driftWindow, WindowSpec waferWindows) {
        enabled = raw.bool("alerts.enabled", true);
        fdr = raw.bool("alerts.fdr.enabled", true);
        fdrQ = raw.number("alerts.fdr.q");
        if (!(fdrQ > 0 && fdrQ < 1)) {
            throw new ConfigException("alerts.fdr.q", "is " + fdrQ + ", not a false-discovery rate", "set e.g. 0.05");
        }
        severalFeatures = raw.integer("alerts.several_features", 2, 1_000_000);
        falseAlarmTargetPerHour = raw.number("alerts.false_alarm_target_per_hour");
        long lateness = waferWindows.allowedLateness().toMillis();
        driftPolicy = policy(raw, "drift", driftWindow.toMillis(), lateness);
        qualityPolicy = policy(raw, "data_quality", cadence(waferWindows), lateness);
        kafkaTopic = raw.optional("alerts.sinks.kafka_topic").orElse("");
        Optional<String> url = raw.optional("alerts.sinks.webhook_url");
        if (url.isPresent() && !url.get().matches("https?://.+")) {
            // Not quoted: a webhook URL may carry its secret (Slack's do, in the path).
            throw new ConfigException("alerts.sinks.webhook_url", "does not start with http:// or https://",
                    "write e.g. https://hooks.example.com/waferflow, or leave it empty for no webhook");
        }
        webhookUrl = url.orElse("");
        webhookToken = Secret.of(raw.string("alerts.sinks.webhook_token", ""));
        webhookTokenHeader = raw.string("alerts.sinks.webhook_token_header", "Authorization");
        if (!webhookTokenHeader.matches("[A-Za-z0-9-]+")) {
            throw new ConfigException("alerts.sinks.webhook_token_header", "'" + webhookTokenHeader
                    + "' is not an HTTP header name", "use e.g. Authorization or X-Webhook-Token");
        }
        try {
            webhookFormat = WebhookFormat.valueOf(raw.string("alerts.sinks.webhook_format").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("alerts.sinks.webhook_format", "'" + raw.string("alerts.sinks.webhook_format")
                    + "' is unknown", "use json or slack");
        }
        webhookAttempts = raw.integer("alerts.sinks.webhook_attempts", 1, 100);
        webhookBackoff = raw.duration("alerts.sinks.webhook_backoff");
        try {
            webhookMinSeverity = AlertSeverity.valueOf(raw.string("alerts.sinks.webhook_min_severity").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("alerts.sinks.webhook_min_severity", "'"
                    + raw.string("alerts.sinks.webhook_min_severity") + "' is not a severity", "use P0, P1, P2 or P3");
        }
        log = raw.bool("alerts.sinks.log", true);
    }

    static AlertsConfig from(RawConfig raw, Duration driftWindow, WindowSpec waferWindows) {
        return new AlertsConfig(raw, driftWindow, waferWindows);
    }

    /** How often a wafer's windows end: its size (tumbling), its slide (sliding), its gap (session, at least). */
    private static long cadence(WindowSpec w) {
        switch (w.type()) {
            case SLIDING:
                return w.slide().toMillis();
            case SESSION:
                return w.gap().toMillis();
            default:
                return w.size().toMillis();
        }
    }

    private static AlertPolicySpec policy(RawConfig raw, String name, long windowMs, long graceMs) {
        String p = "alerts.policy." + name + ".";
        int n = raw.integer(p + "fire_n", 1, 1000);
        int m = raw.integer(p + "fire_m", 1, 1000);
        if (n > m) {
            throw new ConfigException(p + "fire_n", "is " + n + ", more than fire_m " + m,
                    "set fire_n at most fire_m (e.g. 2 of 3)");
        }
        int k = raw.integer(p + "resolve_k", 1, 1000);
        return new AlertPolicySpec(name, n, m, k, raw.duration(p + "cooldown").toMillis(),
                raw.duration(p + "escalate_after").toMillis(), windowMs, graceMs);
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean fdr() {
        return fdr;
    }

    public double fdrQ() {
        return fdrQ;
    }

    public int severalFeatures() {
        return severalFeatures;
    }

    public double falseAlarmTargetPerHour() {
        return falseAlarmTargetPerHour;
    }

    public AlertPolicySpec driftPolicy() {
        return driftPolicy;
    }

    public AlertPolicySpec qualityPolicy() {
        return qualityPolicy;
    }

    /** Empty: no alert topic. */
    public String kafkaTopic() {
        return kafkaTopic;
    }

    /** Empty: no webhook. */
    public String webhookUrl() {
        return webhookUrl;
    }

    /** Sent with every webhook request ({@link #webhookTokenHeader}); empty: no token. */
    public Secret webhookToken() {
        return webhookToken;
    }

    /** {@code Authorization} (the token sent as {@code Bearer <token>}) or a header that carries the token as is. */
    public String webhookTokenHeader() {
        return webhookTokenHeader;
    }

    public WebhookFormat webhookFormat() {
        return webhookFormat;
    }

    public int webhookAttempts() {
        return webhookAttempts;
    }

    public Duration webhookBackoff() {
        return webhookBackoff;
    }

    /** The webhook (people) gets this severity and the more urgent ones; the topic and the log get everything. */
    public AlertSeverity webhookMinSeverity() {
        return webhookMinSeverity;
    }

    public boolean log() {
        return log;
    }
}
