package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.num;

import io.waferflow.report.ReportData.WaferWindow;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wafer maps: per chosen wafer, one cell per tested die (its latest test in the raw archive) with the wafer's yield and
 * neighbour yield, and the wafer's feature rows (yield and neighbour yield per wafer window, as the job computed them).
 */
final class WaferMapSection {

    private WaferMapSection() {}

    static void render(ReportData r, StringBuilder h) {
        h.append("<section id=\"maps\"><h2>Wafer maps</h2>\n");
        h.append("<p class=\"how\">One cell per tested die, at its die coordinates (x to the right, y downwards), its"
                + " latest test from the raw archive; hover a cell for its result and bins. Yield is passed dies over"
                + " tested dies; neighbour yield averages, over the dies, the pass rate of each die's tested"
                + " 8-neighbours (as the feature neighbor_yield_avg does per window). Around failing dies it is the"
                + " same average over the failing dies only: close to the yield, the fails are scattered (random"
                + " defects); far below it, they cluster (a scratch, an edge ring, a probe-card problem).</p>\n");
        if (r.maps().isEmpty()) {
            h.append("<p class=\"missing\">No wafer to draw: no feature rows or raw archive rows in this range.</p>");
        }
        Map<String, List<WaferWindow>> rows = new TreeMap<>();
        r.waferWindows()
                .forEach(w -> rows.computeIfAbsent(w.waferId(), k -> new java.util.ArrayList<>())
                        .add(w));
        for (WaferMap m : r.maps()) {
            h.append("<div class=\"wafer\" data-wafer=\"")
                    .append(esc(m.waferId()))
                    .append("\"><h3>")
                    .append(esc(m.waferId()))
                    .append(m.lotId() == null ? "" : " (lot " + esc(m.lotId()) + ")")
                    .append(" <small>")
                    .append(esc(m.why()))
                    .append("</small></h3>\n");
            h.append("<p class=\"yield\" data-wafer=\"")
                    .append(esc(m.waferId()))
                    .append("\">yield <b>")
                    .append(num(m.yieldPct(), 1))
                    .append(" %</b> (")
                    .append(m.passed())
                    .append(" of ")
                    .append(m.dies().size())
                    .append(" dies passed), neighbour yield <b>")
                    .append(num(m.neighbourYield(), 3))
                    .append("</b>, around failing dies <b>")
                    .append(num(m.neighbourYieldOfFailing(), 3))
                    .append("</b>; colour: ")
                    .append(esc(m.colorBy().replace('_', '/')))
                    .append("</p>\n");
            h.append(WaferMapSvg.svg(m)).append('\n');
            List<WaferWindow> windows = rows.getOrDefault(m.waferId(), List.of());
            if (!windows.isEmpty()) {
                h.append("<table class=\"windows\"><tr><th>wafer window</th><th>devices</th><th>yield_pct</th>"
                        + "<th>neighbor_yield_avg</th></tr>");
                windows.stream()
                        .sorted(java.util.Comparator.comparingLong(WaferWindow::windowStart))
                        .forEach(w -> h.append("<tr><td class=\"t\">")
                                .append(Html.time(w.windowStart()))
                                .append(" – ")
                                .append(Html.time(w.windowEnd()))
                                .append("</td><td class=\"n\">")
                                .append(w.deviceCount())
                                .append("</td><td class=\"n\">")
                                .append(num(w.yieldPct(), 1))
                                .append("</td><td class=\"n\">")
                                .append(num(w.neighborYield(), 3))
                                .append("</td></tr>"));
                h.append("</table>\n");
            }
            h.append("</div>\n");
        }
        h.append("</section>\n");
    }
}
