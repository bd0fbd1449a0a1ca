package io.waferflow.report;

import static io.waferflow.report.Html.esc;

import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Data quality: record violations over time by rule, counts by rule and severity and by field, wafer-level quality
 * events, the wafers with the most findings, and per issue type found what to suspect and do (the alert guidance and
 * runbooks the alerts carry).
 */
final class QualitySection {

    private static final String[] COLORS = {
        "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999", "#66c2a5", "#8da0cb"
    };
    private static final int WORST = 10;

    private QualitySection() {}

    static void render(ReportData r, StringBuilder h) {
        List<Violation> v = r.violations();
        List<QualityEvent> e = r.qualityEvents();
        long quarantined = v.stream().filter(x -> x.quarantined).count();
        h.append("<section id=\"quality\"><h2>Data quality</h2>\n");
        h.append("<p class=\"summary\">")
                .append(v.size())
                .append(" record violations (")
                .append(quarantined)
                .append(" quarantined, ")
                .append(v.size() - quarantined)
                .append(" flagged and kept) and ")
                .append(e.size())
                .append(" wafer-window quality events.</p>\n");
        if (!v.isEmpty()) {
            violationsOverTime(v, h);
            table(h, "violations-by-rule", "rule", countBy(v, x -> x.rule), v, x -> x.rule);
            table(h, "violations-by-field", "field", countBy(v, x -> x.field), v, x -> x.field);
        }
        if (!e.isEmpty()) {
            h.append(overTime(
                            "events-chart",
                            "quality events",
                            e.stream().mapToLong(x -> x.windowEnd - 1).toArray(),
                            e.stream().map(x -> x.type).toList()))
                    .append('\n');
            eventTable(h, e);
        }
        worstWafers(r, h);
        advice(r, h);
        h.append("</section>\n");
    }

    /**
     * Counts over time, stacked by kind: one bar per time bin.
     *
     * @param times each finding's event time
     * @param kinds each finding's kind (rule, event type), in the order of {@code times}
     */
    static String overTime(String cssClass, String label, long[] times, List<String> kinds) {
        long min = java.util.Arrays.stream(times).min().orElseThrow();
        long max = java.util.Arrays.stream(times).max().orElseThrow();
        TimeBuckets b = TimeBuckets.covering(min, max);
        Map<String, int[]> byKind = new TreeMap<>();
        for (int i = 0; i < times.length; i++) {
            byKind.computeIfAbsent(kinds.get(i), k -> new int[b.count()])[b.of(times[i])]++;
        }
        int[] total = new int[b.count()];
        byKind.values().forEach(c -> {
            for (int i = 0; i < c.length; i++) {
                total[i] += c[i];
            }
        });
        int top = java.util.Arrays.stream(total).max().orElse(1);
        TimeChart c = new TimeChart(b.start(), b.end(), top * 1.1);
        int[] stacked = new int[b.count()];
        List<TimeChart.Key> keys = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, int[]> kind : byKind.entrySet()) {
            String color = COLORS[k++ % COLORS.length];
            keys.add(new TimeChart.Key(color, kind.getKey()));
            for (int i = 0; i < b.count(); i++) {
                int n = kind.getValue()[i];
                if (n > 0) {
                    long start = b.start() + i * b.size();
                    c.bar(
                            start,
                            start + b.size(),
                            stacked[i],
                            stacked[i] + n,
                            color,
                            kind.getKey() + ": " + n + " from " + Html.time(start));
                    stacked[i] += n;
                }
            }
        }
        return c.svg("class=\"" + cssClass + "\"", label, label + " per " + b.label(), keys);
    }

    private static void violationsOverTime(List<Violation> v, StringBuilder h) {
        // Records that could not be parsed have no event time: counted above, not placed on the event-time axis.
        List<Violation> timed = v.stream().filter(x -> x.eventTime != null).toList();
        if (!timed.isEmpty()) {
            h.append(overTime(
                            "violations-chart",
                            "violations",
                            timed.stream().mapToLong(x -> x.eventTime).toArray(),
                            timed.stream()
                                    .map(x -> x.rule + " (" + severity(x.severity) + ")")
                                    .toList()))
                    .append('\n');
        }
        if (timed.size() < v.size()) {
            h.append("<p class=\"how\">")
                    .append(v.size() - timed.size())
                    .append(" violations of records without a readable event time are not on the chart.</p>\n");
        }
    }

    private static String severity(Severity s) {
        return s == null ? "?" : s.name().toLowerCase();
    }

    private static Map<String, Integer> countBy(List<Violation> v, Function<Violation, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        v.forEach(x -> counts.merge(String.valueOf(key.apply(x)), 1, Integer::sum));
        return counts;
    }

    private static void table(
            StringBuilder h,
            String id,
            String what,
            Map<String, Integer> counts,
            List<Violation> v,
            Function<Violation, String> key) {
        h.append("<table id=\"").append(id).append("\"><tr><th>").append(what).append("</th><th>violations</th>");
        for (Severity s : Severity.values()) {
            h.append("<th>").append(s.name().toLowerCase()).append("</th>");
        }
        h.append("<th>quarantined</th><th>wafers</th></tr>");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(c -> {
                    Map<Severity, Integer> bySeverity = new EnumMap<>(Severity.class);
                    Set<String> wafers = new LinkedHashSet<>();
                    int quarantined = 0;
                    for (Violation x : v) {
                        if (c.getKey().equals(String.valueOf(key.apply(x)))) {
                            if (x.severity != null) {
                                bySeverity.merge(x.severity, 1, Integer::sum);
                            }
                            quarantined += x.quarantined ? 1 : 0;
                            if (x.waferId != null) {
                                wafers.add(x.waferId);
                            }
                        }
                    }
                    h.append("<tr><td><code>")
                            .append(esc(c.getKey()))
                            .append("</code></td><td class=\"n\">")
                            .append(c.getValue())
                            .append("</td>");
                    for (Severity s : Severity.values()) {
                        h.append("<td class=\"n\">")
                                .append(bySeverity.getOrDefault(s, 0))
                                .append("</td>");
                    }
                    h.append("<td class=\"n\">")
                            .append(quarantined)
                            .append("</td><td class=\"n\">")
                            .append(wafers.size())
                            .append("</td></tr>");
                });
        h.append("</table>\n");
    }

    private static void eventTable(StringBuilder h, List<QualityEvent> e) {
        Map<String, List<QualityEvent>> byType = new TreeMap<>();
        e.forEach(x -> byType.computeIfAbsent(x.type + "\u0000" + x.field, k -> new ArrayList<>())
                .add(x));
        h.append("<table id=\"quality-events\"><tr><th>quality event</th><th>field</th><th>severity</th>"
                + "<th>wafer windows</th><th>wafers</th><th>first</th><th>last</th><th>largest rate / threshold</th>"
                + "</tr>");
        for (List<QualityEvent> group : byType.values()) {
            QualityEvent first = group.get(0);
            QualityEvent worst =
                    group.stream().max(Comparator.comparingDouble(x -> x.rate)).orElseThrow();
            h.append("<tr><td><code>")
                    .append(esc(first.type))
                    .append("</code></td><td>")
                    .append(esc(first.field))
                    .append("</td><td>")
                    .append(first.severity == null ? "" : first.severity.name().toLowerCase())
                    .append("</td><td class=\"n\">")
                    .append(group.size())
                    .append("</td><td class=\"n\">")
                    .append(group.stream().map(x -> x.waferId).distinct().count())
                    .append("</td><td class=\"t\">")
                    .append(Html.time(
                            group.stream().mapToLong(x -> x.windowStart).min().orElseThrow()))
                    .append("</td><td class=\"t\">")
                    .append(Html.time(
                            group.stream().mapToLong(x -> x.windowEnd).max().orElseThrow()))
                    .append("</td><td class=\"n\">")
                    .append(Html.num(worst.rate, 3))
                    .append(" / ")
                    .append(Html.num(worst.threshold, 3))
                    .append("</td></tr>");
        }
        h.append("</table>\n");
    }

    /** One wafer's findings: the most severe, how many of each kind. */
    private static final class Findings {
        Severity worst = Severity.LOW;
        int violations;
        int quarantined;
        int events;
        final Set<String> kinds = new TreeSet<>();

        void add(Severity s, String kind, boolean event, boolean lost) {
            quarantined += lost ? 1 : 0;
            if (s != null && s.compareTo(worst) < 0) {
                worst = s;
            }
            kinds.add(kind);
            if (event) {
                events++;
            } else {
                violations++;
            }
        }
    }

    /**
     * The wafers with the most severe findings first, then those that lost the most records to quarantine (data gone
     * from every feature), then those with the most findings.
     */
    private static void worstWafers(ReportData r, StringBuilder h) {
        Map<String, Findings> findings = new TreeMap<>();
        for (Violation x : r.violations()) {
            if (x.waferId != null) {
                findings.computeIfAbsent(x.waferId, k -> new Findings()).add(x.severity, x.rule, false, x.quarantined);
            }
        }
        for (QualityEvent x : r.qualityEvents()) {
            findings.computeIfAbsent(x.waferId, k -> new Findings()).add(x.severity, x.type, true, false);
        }
        if (findings.isEmpty()) {
            return;
        }
        Map<String, Double> yield = ReportData.yieldByWafer(r.waferWindows());
        h.append("<h3>Wafers with the most severe findings</h3><table id=\"worst-wafers\"><tr><th>wafer</th>"
                + "<th>worst severity</th><th>violations</th><th>quarantined</th><th>quality events</th><th>kinds</th>"
                + "<th>yield (feature rows)</th></tr>");
        findings.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Findings> f) -> f.getValue().worst)
                        .thenComparing(f -> -f.getValue().quarantined)
                        .thenComparing(f -> -(f.getValue().events + f.getValue().violations)))
                .limit(WORST)
                .forEach(f -> h.append("<tr class=\"worst-wafer\"><td>")
                        .append(esc(f.getKey()))
                        .append("</td><td>")
                        .append(f.getValue().worst.name().toLowerCase())
                        .append("</td><td class=\"n\">")
                        .append(f.getValue().violations)
                        .append("</td><td class=\"n\">")
                        .append(f.getValue().quarantined)
                        .append("</td><td class=\"n\">")
                        .append(f.getValue().events)
                        .append("</td><td>")
                        .append(esc(String.join(", ", f.getValue().kinds)))
                        .append("</td><td class=\"n\">")
                        .append(yield.containsKey(f.getKey()) ? Html.num(yield.get(f.getKey()), 1) + " %" : "–")
                        .append("</td></tr>"));
        h.append("</table>\n");
    }

    private static void advice(ReportData r, StringBuilder h) {
        // Issue types found, each with the rules or event types that led to it.
        Map<String, Set<String>> found = new TreeMap<>();
        r.qualityEvents()
                .forEach(
                        x -> found.computeIfAbsent(x.type, k -> new TreeSet<>()).add(x.type));
        r.violations().forEach(x -> {
            String type = r.adviceOfRule().get(x.rule);
            if (type != null) {
                found.computeIfAbsent(type, k -> new TreeSet<>()).add(x.rule);
            }
        });
        if (found.isEmpty()) {
            return;
        }
        h.append("<h3>What to do</h3>\n");
        for (Map.Entry<String, Set<String>> f : found.entrySet()) {
            ReportData.Advice a = r.advice().get(f.getKey());
            if (a == null) {
                continue;
            }
            h.append("<div class=\"advice\" data-issue=\"")
                    .append(esc(f.getKey()))
                    .append("\"><h4><code>")
                    .append(esc(f.getKey()))
                    .append("</code> (from ")
                    .append(esc(String.join(", ", f.getValue())))
                    .append(")</h4><p>Likely causes:</p><ul>");
            a.likelyCauses().forEach(c -> h.append("<li>").append(esc(c)).append("</li>"));
            h.append("</ul><p>Recommended actions:</p><ol>");
            a.recommendedActions().forEach(c -> h.append("<li>").append(esc(c)).append("</li>"));
            h.append("</ol><p>Runbook: ").append(r.runbookLink(a.runbook())).append("</p></div>\n");
        }
    }
}
