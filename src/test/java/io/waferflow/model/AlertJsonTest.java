package io.waferflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.alerts.TestAlerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert topic's JSON (round trip, NaN as null, snake_case names) and the Slack payload. */
class AlertJsonTest {

    /** Strict: rejects NaN and trailing garbage, as receivers do. */
    private static final ObjectMapper STRICT = new ObjectMapper();

    @Test
    void driftAlertRoundTripsWithEveryField() throws IOException {
        Alert a = TestAlerts.drift("n-1", AlertSeverity.P2);
        a.escalated = true;

        Alert back = AlertJson.fromJson(AlertJson.toJson(a));

        assertThat(back)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(a);
        assertThat(back.likelyCauses).isNotEmpty().containsExactly(a.likelyCauses);
    }

    @Test
    void flatObjectHasSnakeCaseNamesAndIsoTimes() throws IOException {
        JsonNode o = STRICT.readTree(AlertJson.toJson(TestAlerts.drift("n-1", AlertSeverity.P2)));

        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactly(
                        "notification_id",
                        "alert_id",
                        "key",
                        "type",
                        "subject",
                        "severity",
                        "status",
                        "escalated",
                        "title",
                        "message",
                        "first_seen",
                        "first_seen_at",
                        "last_seen",
                        "last_seen_at",
                        "occurrences",
                        "window_start",
                        "window_end",
                        "feature",
                        "drift_group",
                        "baseline_mean",
                        "baseline_std",
                        "current_mean",
                        "current_std",
                        "shift_sigma",
                        "psi",
                        "ks_d",
                        "ks_p_value",
                        "fdr_threshold",
                        "n_baseline",
                        "n_current",
                        "features",
                        "wafer_id",
                        "lot_id",
                        "field",
                        "rate",
                        "threshold",
                        "likely_causes",
                        "recommended_actions",
                        "runbook");
        assertThat(o.get("first_seen").asLong()).isEqualTo(TestAlerts.T0);
        assertThat(o.get("first_seen_at").asText()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(o.get("last_seen_at").asText()).isEqualTo("2026-11-27T12:00:00Z");
        assertThat(o.get("severity").asText()).isEqualTo("P2");
        assertThat(o.get("status").asText()).isEqualTo("FIRING");
        assertThat(o.get("psi").asDouble()).isEqualTo(0.31);
        assertThat(o.get("likely_causes").isArray()).isTrue();
        assertThat(o.get("runbook").asText()).isEqualTo("docs/runbooks/drift.md");
    }

    @Test
    void numbersThatDoNotApplyAreNullAndReadBackAsNaN() throws IOException {
        Alert a = TestAlerts.rangeViolations("n-2", AlertSeverity.P2);
        byte[] json = AlertJson.toJson(a);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .doesNotContain("NaN")
                .doesNotContain("Infinity");
        JsonNode o = STRICT.readTree(json);
        for (String name : List.of(
                "baseline_mean",
                "baseline_std",
                "current_mean",
                "current_std",
                "shift_sigma",
                "psi",
                "ks_d",
                "ks_p_value",
                "fdr_threshold")) {
            assertThat(o.get(name).isNull()).as(name).isTrue();
        }
        assertThat(o.get("feature").isNull()).isTrue();
        assertThat(o.get("rate").asDouble()).isEqualTo(0.075);

        Alert back = AlertJson.fromJson(json);
        assertThat(back.psi).isNaN();
        assertThat(back.baselineMean).isNaN();
        assertThat(back)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(a);
    }

    @Test
    void infinitiesAreWrittenAsNullToo() throws IOException {
        Alert a = TestAlerts.drift("n-3", AlertSeverity.P2);
        a.shiftSigma = Double.POSITIVE_INFINITY; // baseline σ of 0

        JsonNode o = STRICT.readTree(AlertJson.toJson(a));

        assertThat(o.get("shift_sigma").isNull()).isTrue();
    }

    @Test
    void unsetStringsAndArraysAreNullAndRoundTrip() throws IOException {
        Alert a = new Alert();
        a.key = "drift:idd";

        JsonNode o = STRICT.readTree(AlertJson.toJson(a));
        assertThat(o.get("severity").isNull()).isTrue();
        assertThat(o.get("likely_causes").isNull()).isTrue();

        assertThat(AlertJson.fromJson(AlertJson.toJson(a)))
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(a);
    }

    @Test
    void readerSkipsUnknownFieldsAndRejectsWhatIsNotAnAlert() throws IOException {
        Alert a = AlertJson.fromJson("{\"key\":\"drift:vdd\",\"new_field\":{\"x\":[1,2]},\"severity\":\"P1\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(a.key).isEqualTo("drift:vdd");
        assertThat(a.severity).isEqualTo(AlertSeverity.P1);

        assertThatThrownBy(() -> AlertJson.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> AlertJson.fromJson("{\"severity\":\"P9\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("P9");
        assertThatThrownBy(() -> AlertJson.fromJson("{\"psi\":\"high\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("psi");
        assertThatThrownBy(() -> AlertJson.fromJson("{\"key\":\"k\"} x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void slackPayloadIsValidJsonWithTextAndBlocks() throws IOException {
        Alert a = TestAlerts.drift("n-4", AlertSeverity.P1);

        JsonNode o = STRICT.readTree(AlertJson.toSlack(a));

        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("text", "blocks");
        assertThat(o.get("text").asText()).contains("P1 FIRING").contains(a.title);
        JsonNode blocks = o.get("blocks");
        assertThat(blocks.isArray()).isTrue();
        List<String> types = new ArrayList<>();
        blocks.forEach(b -> types.add(b.get("type").asText()));
        assertThat(types).containsExactly("header", "section", "section", "section", "section", "context");

        JsonNode header = blocks.get(0).get("text");
        assertThat(header.get("type").asText()).isEqualTo("plain_text");
        assertThat(header.get("text").asText()).contains("P1 FIRING").hasSizeLessThanOrEqualTo(150);

        JsonNode fields = blocks.get(2).get("fields");
        assertThat(fields.size()).isBetween(1, 10);
        String numbers = fields.toString();
        assertThat(numbers)
                .contains("*PSI*\\n0.31")
                .contains("*shift*\\n+2.50 σ")
                .contains("1.2 ± 0.02 (n 5000)")
                .contains("*occurrences*\\n3");

        assertThat(blocks.get(3).get("text").get("text").asText())
                .startsWith("*Likely causes*\n• ")
                .contains("Probe card wear");
        assertThat(blocks.get(4).get("text").get("text").asText()).startsWith("*Recommended actions*\n• ");
        assertThat(blocks.get(5).get("elements").get(0).get("text").asText())
                .contains("`docs/runbooks/drift.md`")
                .contains("n-4");
    }

    @Test
    void slackRunbookIsALinkWithABaseUrlAndUserTextIsEscaped() throws IOException {
        Alert a = TestAlerts.rangeViolations("n-5", AlertSeverity.P2);
        a.message = "idd <0 & > 200 mA";
        a.title = "x".repeat(400);

        JsonNode o = STRICT.readTree(AlertJson.toSlack(a, "https://git.example.com/waferflow/blob/main/"));

        JsonNode blocks = o.get("blocks");
        assertThat(blocks.get(0).get("text").get("text").asText()).hasSize(150).endsWith("…");
        assertThat(blocks.get(1).get("text").get("text").asText()).isEqualTo("idd &lt;0 &amp; &gt; 200 mA");
        assertThat(blocks.get(2).get("fields").toString())
                .contains("7.5 % (threshold 5.0 %)")
                .contains("W0042 (lot L7)");
        assertThat(blocks.get(blocks.size() - 1)
                        .get("elements")
                        .get(0)
                        .get("text")
                        .asText())
                .contains("<https://git.example.com/waferflow/blob/main/docs/runbooks/data-quality.md"
                        + "|docs/runbooks/data-quality.md>");
    }

    @Test
    void resolvedAlertHeadlineSaysResolved() throws IOException {
        Alert a = TestAlerts.drift("n-6", AlertSeverity.P2);
        a.status = AlertStatus.RESOLVED;

        JsonNode o = STRICT.readTree(AlertJson.toSlack(a));

        assertThat(o.get("text").asText()).startsWith("✅ P2 RESOLVED");
    }
}
