package io.waferflow.report;

import static io.waferflow.report.Html.esc;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts: one row per episode ({@code alert_id}), from its notifications: the highest severity it reached, first and
 * last seen (event time), how long it held, whether it resolved, and its runbook.
 */
final class AlertSection {

    private AlertSection() {}

    /** One alert episode: its notifications folded together. */
    record Episode(Alert latest, AlertSeverity severity, boolean escalated, int notifications) {

        long duration() {
            return latest.lastSeen - latest.firstSeen;
        }
    }

    static void render(ReportData r, StringBuilder h) {
        h.append("<section id=\"alerts\"><h2>Alerts</h2>\n");
        if (r.alerts() == null) {
            h.append("<p class=\"missing\">No alerts given. Alerts are kept on the alert topic, not in the offline"
                    + " store: export them with <code>bin/waferflow alerts tail --format json &gt; alerts.jsonl"
                    + "</code> and pass <code>--alerts alerts.jsonl</code>.</p></section>\n");
            return;
        }
        List<Episode> episodes = episodes(r.alerts());
        h.append("<p class=\"summary\">")
                .append(episodes.size())
                .append(" alert episodes from ")
                .append(r.alerts().size())
                .append(" notifications; first and last seen are event time (the data's),"
                        + " so a duration is how long the condition held in the data.</p>\n");
        if (episodes.isEmpty()) {
            h.append("</section>\n");
            return;
        }
        h.append(timeline(episodes)).append('\n');
        h.append("<table id=\"alert-history\"><tr><th>severity</th><th>alert</th><th>status</th><th>first seen</th>"
                + "<th>last seen</th><th>duration</th><th>windows</th><th>title</th><th>runbook</th></tr>");
        for (Episode e : episodes) {
            Alert a = e.latest();
            String severity = e.severity() == null ? "" : e.severity().name();
            h.append("<tr class=\"alert\" data-severity=\"")
                    .append(esc(severity))
                    .append("\"><td><span class=\"sev ")
                    .append(esc(severity))
                    .append("\">")
                    .append(esc(severity))
                    .append("</span>")
                    .append(e.escalated() ? " (escalated)" : "")
                    .append("</td><td><code>")
                    .append(esc(a.key))
                    .append("</code></td><td>")
                    .append(a.status == null ? "" : esc(a.status.name().toLowerCase()))
                    .append("</td><td class=\"t\">")
                    .append(Html.time(a.firstSeen))
                    .append("</td><td class=\"t\">")
                    .append(Html.time(a.lastSeen))
                    .append("</td><td class=\"n\">")
                    .append(Html.duration(e.duration()))
                    .append("</td><td class=\"n\">")
                    .append(a.occurrences)
                    .append("</td><td>")
                    .append(esc(a.title))
                    .append("</td><td>")
                    .append(r.runbookLink(a.runbook))
                    .append("</td></tr>");
        }
        h.append("</table>\n</section>\n");
    }

    /** One bar per episode from first to last seen, coloured by severity, most severe at the top. */
    static String timeline(List<Episode> episodes) {
        long t0 = episodes.stream().mapToLong(e -> e.latest().firstSeen).min().orElseThrow();
        long t1 = episodes.stream().mapToLong(e -> e.latest().lastSeen).max().orElseThrow();
        // Room for a bar of a single window at the end of the range.
        long pad = Math.max(60_000, (t1 - t0) / 50);
        TimeChart c = new TimeChart(t0, t1 + pad, episodes.size()).withoutValueTicks();
        for (int i = 0; i < episodes.size(); i++) {
            Episode e = episodes.get(i);
            Alert a = e.latest();
            double top = episodes.size() - i;
            c.bar(
                    a.firstSeen,
                    Math.max(a.lastSeen, a.firstSeen + pad / 2),
                    top - 0.8,
                    top - 0.1,
                    color(e.severity()),
                    (e.severity() == null ? "" : e.severity().name()) + " " + a.key + ": " + Html.time(a.firstSeen)
                            + " – " + Html.time(a.lastSeen));
        }
        List<TimeChart.Key> keys = new ArrayList<>();
        for (AlertSeverity s : AlertSeverity.values()) {
            keys.add(new TimeChart.Key(color(s), s.name()));
        }
        return c.svg("class=\"alert-timeline\"", "alert episodes over time", "episodes", keys);
    }

    private static String color(AlertSeverity s) {
        if (s == null) {
            return "#777";
        }
        return switch (s) {
            case P0 -> "#b71c1c";
            case P1 -> "#e65100";
            case P2 -> "#f9a825";
            case P3 -> "#90a4ae";
        };
    }

    /** The episodes, most severe first, then by first seen. */
    static List<Episode> episodes(List<Alert> alerts) {
        Map<String, List<Alert>> byEpisode = new LinkedHashMap<>();
        alerts.forEach(a ->
                byEpisode.computeIfAbsent(a.alertId, k -> new ArrayList<>()).add(a));
        List<Episode> episodes = new ArrayList<>();
        for (List<Alert> notifications : byEpisode.values()) {
            Alert latest = notifications.stream()
                    .max(Comparator.comparingLong((Alert a) -> a.lastSeen)
                            .thenComparing(a -> a.status == AlertStatus.RESOLVED))
                    .orElseThrow();
            AlertSeverity severity = notifications.stream()
                    .map(a -> a.severity)
                    .filter(s -> s != null)
                    .min(Comparator.naturalOrder())
                    .orElse(null);
            boolean escalated = notifications.stream().anyMatch(a -> a.escalated);
            episodes.add(new Episode(latest, severity, escalated, notifications.size()));
        }
        episodes.sort(Comparator.comparing((Episode e) -> e.severity(), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingLong(e -> e.latest().firstSeen));
        return episodes;
    }
}
