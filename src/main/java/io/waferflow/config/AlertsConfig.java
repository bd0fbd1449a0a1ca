package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.waferflow.alerts.AlertSeverity;
import java.io.Serializable;
import java.time.Duration;

/**
 * Alerting settings ({@code alerts.*}, SPEC 5): false-discovery control, the sustain/resolve policies, the sinks.
 *
 * @param cadence not a key: the windows the policies count in, which {@link FeaturesJobConfig} sets from
 *     {@code drift.window} and {@code feature_group.window}
 */
public record AlertsConfig(
        boolean enabled,
        @JsonProperty("fdr") FalseDiscovery falseDiscovery,
        int severalFeatures,
        double falseAlarmTargetPerHour,
        Policies policy,
        Sinks sinks,
        @JsonIgnore Cadence cadence)
        implements Serializable {

    public enum WebhookFormat {
        JSON,
        SLACK
    }

    public AlertsConfig {
        Check.between("several_features", severalFeatures, 2, 1_000_000);
    }

    /** {@code alerts.fdr}: Benjamini-Hochberg across each drift window's KS p-values, at false-discovery rate q. */
    public record FalseDiscovery(boolean enabled, double q) implements Serializable {

        public FalseDiscovery {
            if (!(q > 0 && q < 1)) {
                throw InvalidValue.at("q", "is " + q + ", not a false-discovery rate", "set e.g. 0.05");
            }
        }
    }

    /** {@code alerts.policy}: one policy per family of conditions. */
    public record Policies(Policy drift, Policy dataQuality) implements Serializable {}

    /** Fire when the condition held in fire_n of the last fire_m windows; see {@link AlertPolicySpec}. */
    public record Policy(int fireN, int fireM, int resolveK, Duration cooldown, Duration escalateAfter)
            implements Serializable {

        public Policy {
            Check.between("fire_n", fireN, 1, 1000);
            Check.between("fire_m", fireM, 1, 1000);
            if (fireN > fireM) {
                throw InvalidValue.at(
                        "fire_n",
                        "is " + fireN + ", more than fire_m " + fireM,
                        "set fire_n at most fire_m (e.g. 2 of 3)");
            }
            Check.between("resolve_k", resolveK, 1, 1000);
        }

        AlertPolicySpec spec(String name, long windowMs, long graceMs) {
            return new AlertPolicySpec(
                    name, fireN, fireM, resolveK, cooldown.toMillis(), escalateAfter.toMillis(), windowMs, graceMs);
        }
    }

    /** {@code alerts.sinks}: the alert topic, the webhook and the log. */
    public record Sinks(
            String kafkaTopic,
            String webhookUrl,
            Secret webhookToken,
            String webhookTokenHeader,
            WebhookFormat webhookFormat,
            AlertSeverity webhookMinSeverity,
            int webhookAttempts,
            Duration webhookBackoff,
            boolean log)
            implements Serializable {

        public Sinks {
            if (!webhookUrl.isEmpty() && !webhookUrl.matches("https?://.+")) {
                // Not quoted: a webhook URL may carry its secret (Slack's do, in the path).
                throw InvalidValue.at(
                        "webhook_url",
                        "does not start with http:// or https://",
                        "write e.g. https://hooks.example.com/waferflow, or leave it empty for no webhook");
            }
            if (!webhookTokenHeader.matches("[A-Za-z0-9-]+")) {
                throw InvalidValue.at(
                        "webhook_token_header",
                        "'" + webhookTokenHeader + "' is not an HTTP header name",
                        "use e.g. Authorization or X-Webhook-Token");
            }
            Check.between("webhook_attempts", webhookAttempts, 1, 100);
        }

        /** Without the webhook URL, which may carry a secret. */
        @Override
        public String toString() {
            return "Sinks[kafkaTopic=" + kafkaTopic + ", webhook " + (webhookUrl.isEmpty() ? "none" : webhookFormat)
                    + ", log=" + log + "]";
        }
    }

    /** The windows the alert policies count in (event time, ms), and how late a window's observation may arrive. */
    public record Cadence(long driftWindowMs, long qualityWindowMs, long graceMs) implements Serializable {}

    AlertsConfig withCadence(Cadence windows) {
        return new AlertsConfig(
                enabled, falseDiscovery, severalFeatures, falseAlarmTargetPerHour, policy, sinks, windows);
    }

    public boolean fdr() {
        return falseDiscovery.enabled();
    }

    public double fdrQ() {
        return falseDiscovery.q();
    }

    public AlertPolicySpec driftPolicy() {
        return policy.drift().spec("drift", cadence.driftWindowMs(), cadence.graceMs());
    }

    public AlertPolicySpec qualityPolicy() {
        return policy.dataQuality().spec("data_quality", cadence.qualityWindowMs(), cadence.graceMs());
    }

    /** Empty: no alert topic. */
    public String kafkaTopic() {
        return sinks.kafkaTopic();
    }

    /** Empty: no webhook. */
    public String webhookUrl() {
        return sinks.webhookUrl();
    }

    /** Sent with every webhook request ({@link #webhookTokenHeader}); empty: no token. */
    public Secret webhookToken() {
        return sinks.webhookToken();
    }

    /** {@code Authorization} (the token sent as {@code Bearer <token>}) or a header that carries the token as is. */
    public String webhookTokenHeader() {
        return sinks.webhookTokenHeader();
    }

    public WebhookFormat webhookFormat() {
        return sinks.webhookFormat();
    }

    public int webhookAttempts() {
        return sinks.webhookAttempts();
    }

    public Duration webhookBackoff() {
        return sinks.webhookBackoff();
    }

    /** The webhook (people) gets this severity and the more urgent ones; the topic and the log get everything. */
    public AlertSeverity webhookMinSeverity() {
        return sinks.webhookMinSeverity();
    }

    public boolean log() {
        return sinks.log();
    }
}
