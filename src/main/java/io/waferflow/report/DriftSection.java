package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.num;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import java.util.Comparator;
import java.util.List;

/**
 * Drift, per parameter: PSI and KS D of every drift window over time on the verdict bands of the drift configuration,
 * each window's verdict as the colour of its point, and for the latest window the baseline and current distributions.
 */
final class DriftSection {

    static final String PSI = "#1f77b4";
    static final String KS_D = "#9467bd";

    private DriftSection() {}

    static void render(ReportData r, StringBuilder h) {
        h.append("<section id=\"drift\"><h2>Drift</h2>\n");
        h.append("<p class=\"how\">One chart per parametric test: PSI (solid) and the KS distance D (dashed) of"
                        + " each drift window against the baseline, at the window's end. Background bands are the"
                        + " verdict bands of PSI (stable below ")
                .append(num(r.psiModerate(), 2))
                .append(", moderate to ")
                .append(num(r.psiDrift(), 2))
                .append(", drift above); a point's colour is the window's verdict, which"
                        + " also needs the KS test to reject at α (hover a point for its numbers).</p>\n");
        if (r.drift().isEmpty()) {
            h.append("<p class=\"missing\">No drift metrics in this range (is drift.enabled on, and has a drift"
                    + " window closed?).</p>\n");
        }
        long t0 = r.drift().stream().mapToLong(m -> m.windowEnd).min().orElse(0);
        long t1 = r.drift().stream().mapToLong(m -> m.windowEnd).max().orElse(1);
        for (String parameter : r.parameters()) {
            List<DriftMetric> rows = r.drift().stream()
                    .filter(m -> parameter.equals(m.feature))
                    .sorted(Comparator.comparingLong(m -> m.windowEnd))
                    .toList();
            h.append("<div class=\"parameter\" id=\"drift-")
                    .append(esc(parameter))
                    .append("\"><h3>")
                    .append(esc(parameter))
                    .append("</h3>\n");
            if (rows.isEmpty()) {
                h.append("<p class=\"missing\">No drift windows of ")
                        .append(esc(parameter))
                        .append(" in this range.</p>");
            } else {
                DriftMetric last = rows.get(rows.size() - 1);
                h.append("<p class=\"latest\">Latest window ")
                        .append(window(last))
                        .append(": ")
                        .append(verdictLabel(last))
                        .append(", PSI ")
                        .append(num(last.psi, 3))
                        .append(", KS D ")
                        .append(num(last.ksD, 3))
                        .append(" (p ")
                        .append(Html.p(last.ksPValueConservative))
                        .append(" after sketch error), mean ")
                        .append(meanShift(last))
                        .append(", n ")
                        .append(last.nBaseline)
                        .append(" baseline / ")
                        .append(last.nCurrent)
                        .append(" current</p>\n");
            }
            h.append(chart(r, parameter, rows, t0, t1)).append('\n');
            distributions(r, parameter, h);
            h.append("</div>\n");
        }
        h.append("</section>\n");
    }

    static String chart(ReportData r, String parameter, List<DriftMetric> rows, long t0, long t1) {
        double max = r.psiDrift() * 1.4;
        for (DriftMetric m : rows) {
            max = Math.max(max, Math.max(finite(m.psi), finite(m.ksD)));
        }
        TimeChart c = new TimeChart(t0, t1, max * 1.05);
        c.band(0, r.psiModerate(), "#e8f5e9", "stable: PSI below " + r.psiModerate());
        c.band(r.psiModerate(), r.psiDrift(), "#fff3e0", "moderate: PSI " + r.psiModerate() + " to " + r.psiDrift());
        c.band(r.psiDrift(), Double.MAX_VALUE, "#ffebee", "drift: PSI from " + r.psiDrift());
        long[] t = rows.stream().mapToLong(m -> m.windowEnd).toArray();
        c.line(t, rows.stream().mapToDouble(m -> m.psi).toArray(), PSI, false);
        c.line(t, rows.stream().mapToDouble(m -> m.ksD).toArray(), KS_D, true);
        for (DriftMetric m : rows) {
            String title = window(m) + ": " + verdict(m) + ", PSI " + num(m.psi, 3) + ", KS D " + num(m.ksD, 3) + ", p "
                    + Html.p(m.ksPValueConservative) + ", n " + m.nCurrent;
            c.point(m.windowEnd, m.psi, color(m.verdict), title);
        }
        return c.svg(
                "class=\"drift-chart\" data-parameter=\"" + esc(parameter) + "\" data-windows=\"" + rows.size() + "\"",
                "PSI and KS D of " + parameter + " over time",
                "PSI, KS D",
                List.of(
                        new TimeChart.Key(PSI, "PSI"),
                        new TimeChart.Key(KS_D, "KS D (dashed)"),
                        new TimeChart.Key(color(DriftVerdict.STABLE), "stable"),
                        new TimeChart.Key(color(DriftVerdict.MODERATE), "moderate"),
                        new TimeChart.Key(color(DriftVerdict.DRIFT), "drift"),
                        new TimeChart.Key(color(DriftVerdict.INSUFFICIENT_DATA), "insufficient data")));
    }

    private static void distributions(ReportData r, String parameter, StringBuilder h) {
        ReportData.Distributions d = r.distributions().get(parameter);
        if (d == null || d.baseline().length == 0 || d.current().length == 0) {
            h.append("<p class=\"missing\">No baseline and current distributions of ")
                    .append(esc(parameter))
                    .append(": the drift metrics keep summary numbers only, and the raw archive holds no values of"
                            + " the latest window and its baseline period")
                    .append(d == null ? "" : " (baseline " + esc(d.baselineId()) + ")")
                    .append(".</p>\n");
            return;
        }
        DistributionChart chart = new DistributionChart(d.baseline(), d.current());
        h.append("<figure class=\"distributions\">")
                .append(chart.histogram(parameter))
                .append(chart.cdf(parameter))
                .append("<figcaption>Latest drift window ")
                .append(Html.time(d.windowStart()))
                .append(" – ")
                .append(Html.time(d.windowEnd()))
                .append(": <span style=\"color:")
                .append(DistributionChart.CURRENT)
                .append("\">current</span> (")
                .append(d.current().length)
                .append(" values) against the <span style=\"")
                .append("color:")
                .append(DistributionChart.BASELINE)
                .append("\">baseline</span> (")
                .append(d.baseline().length)
                .append(" values, ")
                .append(esc(d.baselineId()))
                .append("), from the raw archive by event time.</figcaption></figure>\n");
    }

    static String verdict(DriftMetric m) {
        return m.verdict == null ? "unknown" : m.verdict.label();
    }

    /** A window's verdict as a label the page colours by its class: the report and the live page alike. */
    static String verdictLabel(DriftMetric m) {
        String v = esc(verdict(m));
        return "<span class=\"verdict " + v + "\">" + v + "</span>";
    }

    /** The mean's move from baseline to current and its size in baseline σ: "1.2346 → 1.3000 (-2.50 σ)". */
    static String meanShift(DriftMetric m) {
        return num(m.baselineMean, 4) + " → " + num(m.currentMean, 4) + " (" + num(m.shiftSigma, 2) + " σ)";
    }

    /** A drift window's start and end, to the minute. */
    static String window(DriftMetric m) {
        return Html.time(m.windowStart) + " – " + Html.time(m.windowEnd);
    }

    static String color(DriftVerdict v) {
        if (v == null) {
            return "#9e9e9e";
        }
        return switch (v) {
            case DRIFT -> "#d32f2f";
            case MODERATE -> "#f57c00";
            case STABLE -> "#388e3c";
            case INSUFFICIENT_DATA -> "#9e9e9e";
        };
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
