package io.waferflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.report.WaferMap.Die;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live page's HTML on hand-made data: a map per wafer, a drift row per parameter, open alerts, escaping. */
class LivePageTest {

    private static final String HOSTILE = "<img src=x onerror=\"alert('x')\">&amp;";

    @Test
    void showsEachWaferDriftRowAndAlertWithEveryStringEscaped() {
        List<Die> dies = List.of(new Die(0, 0, true, 1, 1, Double.NaN), new Die(1, 0, false, 5, 50, Double.NaN));
        DriftMetric vdd = new DriftMetric();
        vdd.feature = "vdd";
        vdd.verdict = DriftVerdict.DRIFT;
        vdd.psi = 0.4;
        Alert alert = new Alert();
        alert.key = "dq:" + HOSTILE + ":wafer_rejected";
        alert.title = HOSTILE;
        alert.runbook = "docs/runbooks/" + HOSTILE;
        alert.severity = AlertSeverity.P1;
        alert.status = AlertStatus.FIRING;
        LiveData data = new LiveData(
                "wafer_aggregates",
                "v1",
                0,
                List.of(
                        new LiveData.Wafer(
                                HOSTILE,
                                HOSTILE,
                                0,
                                60_000,
                                2,
                                50.0,
                                0.5,
                                new WaferMap(HOSTILE, HOSTILE, "latest", "pass_fail", dies)),
                        new LiveData.Wafer("W2", "L2", 0, 60_000, 1, 100.0, Double.NaN, null)),
                List.of("vdd", "idd"),
                Map.of("vdd", vdd),
                List.of(alert),
                List.of(HOSTILE));

        String html = LivePage.body(data, 0.1, 0.25);

        assertThat(html).doesNotContain("<img").contains("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;");
        assertThat(count(html, "<rect data-die=")).isEqualTo(2);
        assertThat(html).contains("No dies of W2 in the raw archive yet.");
        assertThat(count(html, "<tr class=\"drift-status\"")).isEqualTo(2);
        assertThat(html).contains("<span class=\"verdict drift\">drift</span>").contains("no window yet");
        assertThat(count(html, "<tr class=\"open-alert\"")).isEqualTo(1);
    }

    @Test
    void withoutAnAlertTopicThePageSaysSo() {
        LiveData data = new LiveData("g", "v1", 0, List.of(), List.of("vdd"), Map.of(), null, List.of());
        assertThat(LivePage.body(data, 0.1, 0.25))
                .contains("No wafer in the online store yet.")
                .contains("Alerts are not read here");
    }

    @Test
    void theShellHoldsNoDataAndItsScriptIsTheOneThePolicyAllows() throws Exception {
        String shell = LivePage.shell("WaferFlow live: <g>", 3_000);
        String script = shell.substring(shell.indexOf("<script>") + 8, shell.indexOf("</script>"));
        String hash = "'sha256-"
                + Base64.getEncoder()
                        .encodeToString(
                                MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)))
                + "'";
        assertThat(LivePage.scriptHash(3_000)).isEqualTo(hash);
        assertThat(shell).contains("&lt;g&gt;").contains("<main id=\"live\" data-polls=\"0\"></main>");
        assertThat(shell).doesNotContain("http://").doesNotContain("https://");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
