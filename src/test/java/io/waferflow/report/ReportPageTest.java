package io.waferflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import io.waferflow.report.WaferMap.Die;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HTML and SVG builders on hand-made data: cells per die, yields, one chart per parameter, escaping. */
class ReportPageTest {

    private static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    /** Every character HTML gives meaning to, and a script a careless page would run. */
    private static final String HOSTILE = "<img src=x onerror=\"alert('x')\">&amp;";

    @Test
    void aWaferMapHasOneCellPerDieGiven() {
        List<Die> dies = new ArrayList<>();
        Random random = new Random(3);
        for (int x = -10; x <= 10; x++) {
            for (int y = -10; y <= 10; y++) {
                if (x * x + y * y <= 100) {
                    dies.add(new Die(x, y, random.nextDouble() > 0.2, 1, random.nextInt(5), random.nextGaussian()));
                }
            }
        }
        for (String colorBy : List.of("pass_fail", "soft_bin", "vdd")) {
            String svg = WaferMapSvg.svg(new WaferMap("W1", "L1", "asked for", colorBy, dies));
            assertThat(count(svg, "<rect data-die=\"")).as(colorBy).isEqualTo(dies.size());
            assertThat(count(svg, "data-pass=\"0\""))
                    .isEqualTo(dies.stream().filter(d -> !d.passed()).count());
        }
        assertThat(dies).hasSize(317);
    }

    @Test
    void yieldAndNeighbourYieldOfAMap() {
        // A 3 × 3 block whose centre fails: yield 8/9. Corners see 3 neighbours, all passing except the centre
        // (2/3); edges see 5 (4/5); the centre sees 8 passing (1).
        List<Die> dies = new ArrayList<>();
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 3; y++) {
                dies.add(new Die(x, y, !(x == 1 && y == 1), null, null, Double.NaN));
            }
        }
        WaferMap map = new WaferMap("W", null, "", "pass_fail", dies);
        assertThat(map.yieldPct()).isCloseTo(100.0 * 8 / 9, within(1e-9));
        assertThat(map.neighbourYield()).isCloseTo((4 * 2 / 3.0 + 4 * 4 / 5.0 + 1) / 9, within(1e-12));
        // The failing centre among passing dies: a scattered fail.
        assertThat(map.neighbourYieldOfFailing()).isEqualTo(1.0);
        // A failing edge column: its end dies see 2 passing neighbours of 3, its middle die 3 of 5.
        List<Die> column = new ArrayList<>();
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 3; y++) {
                column.add(new Die(x, y, x != 0, null, null, Double.NaN));
            }
        }
        WaferMap clustered = new WaferMap("W", null, "", "pass_fail", column);
        assertThat(clustered.neighbourYieldOfFailing()).isCloseTo((2 / 3.0 + 3 / 5.0 + 2 / 3.0) / 3, within(1e-12));
    }

    @Test
    void oneDriftChartPerParameterAndOneWaferMapPerWafer() {
        String html = ReportPage.render(data(List.of("vdd", "idd", "frequency"), "W1", "rule", "title"));
        assertThat(count(html, "<svg class=\"drift-chart\"")).isEqualTo(3);
        assertThat(html).contains("data-parameter=\"idd\" data-windows=\"0\""); // a parameter without windows too
        assertThat(html).contains("data-parameter=\"vdd\" data-windows=\"3\"");
        assertThat(count(html, "<svg class=\"wafer-map\"")).isEqualTo(1);
        assertThat(count(html, "<rect data-die=\"")).isEqualTo(4);
        assertThat(html).contains("yield <b>75.0 %</b> (3 of 4 dies passed)");
        assertThat(html).contains("<svg class=\"histogram\" data-parameter=\"vdd\"");
        assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        // Two notifications of one episode: one row, the highest severity, first to last seen.
        assertThat(count(html, "<tr class=\"alert\"")).isEqualTo(1);
        assertThat(count(html, "<svg class=\"alert-timeline\"")).isEqualTo(1);
        assertThat(html).contains("data-severity=\"P1\"").contains("<td class=\"n\">2 h</td>");
    }

    @Test
    void everyStringFromTheDataIsEscaped() {
        String html = ReportPage.render(data(List.of(HOSTILE), HOSTILE, HOSTILE, HOSTILE));
        assertThat(html).doesNotContain("<img").doesNotContain("\"alert('x')\"");
        assertThat(html).contains("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;");
        assertThat(Html.esc("a<b>&\"'")).isEqualTo("a&lt;b&gt;&amp;&quot;&#39;");
    }

    private static ReportData data(List<String> parameters, String wafer, String rule, String title) {
        String p = parameters.get(0);
        List<DriftMetric> drift = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DriftMetric m = new DriftMetric();
            m.feature = p;
            m.windowStart = T0 + i * HOUR;
            m.windowEnd = T0 + (i + 1) * HOUR;
            m.psi = 0.05 + 0.1 * i;
            m.ksD = 0.02 * i;
            m.verdict = i == 2 ? DriftVerdict.MODERATE : DriftVerdict.STABLE;
            m.baselineId = "stream:" + title;
            drift.add(m);
        }
        Violation v = new Violation(rule, p, "9", "[0, 1]", Severity.MEDIUM);
        v.waferId = wafer;
        v.eventTime = T0;
        QualityEvent e = new QualityEvent();
        e.type = QualityEvent.RANGE_VIOLATIONS;
        e.severity = Severity.HIGH;
        e.waferId = wafer;
        e.field = p;
        e.windowStart = T0;
        e.windowEnd = T0 + 60_000;
        List<Die> dies = List.of(
                new Die(0, 0, true, 1, 1, 1.0),
                new Die(1, 0, true, 1, 1, 1.1),
                new Die(0, 1, false, 5, 59, 1.4),
                new Die(1, 1, true, 1, 1, 1.2));
        List<Alert> alerts = List.of(alert(title, AlertSeverity.P2, 0), alert(title, AlertSeverity.P1, 2 * HOUR));
        return new ReportData(
                "wafer_aggregates",
                "v1",
                "/data/" + title,
                null,
                null,
                Instant.parse("2026-12-04T00:00:00Z"),
                parameters,
                0.1,
                0.25,
                drift,
                Map.of(p, new ReportData.Distributions(p, T0, T0 + HOUR, title, new double[] {1, 2, 3}, new double[] {
                    2, 3, 4
                })),
                List.of(v),
                List.of(e),
                List.of(new ReportData.WaferWindow(wafer, T0, T0 + 60_000, 4, 75, 0.7)),
                List.of(new WaferMap(wafer, title, title, "pass_fail", dies)),
                Map.of(QualityEvent.RANGE_VIOLATIONS, new ReportData.Advice(List.of(title), List.of(title), title)),
                Map.of(rule, QualityEvent.RANGE_VIOLATIONS),
                alerts,
                "file:///repo/" + title + "/",
                List.of("note " + title));
    }

    private static Alert alert(String title, AlertSeverity severity, long lastSeen) {
        Alert a = new Alert();
        a.alertId = "dq:" + title + "@0";
        a.notificationId = a.alertId + "#" + severity;
        a.key = "dq:" + title;
        a.title = title;
        a.severity = severity;
        a.escalated = severity == AlertSeverity.P1;
        a.status = AlertStatus.FIRING;
        a.firstSeen = T0;
        a.lastSeen = T0 + lastSeen;
        a.runbook = "docs/runbooks/" + title + ".md";
        return a;
    }

    private static long count(String s, String needle) {
        long n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
