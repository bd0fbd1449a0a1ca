package io.waferflow.report;

import static io.waferflow.report.Html.esc;

/**
 * The report as one self-contained HTML page: inline CSS and SVG drawn here, no script, no external resource, so it
 * opens anywhere without network (a laptop on the fab floor, a CI artifact, an e-mail attachment).
 */
public final class ReportPage {

    static final String STYLE = "body{font-family:system-ui,sans-serif;margin:1.5em 2em;color:#222;"
            + "max-width:1300px}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}"
            + "nav a{margin-right:1em}table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;"
            + "padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}"
            + ".missing{color:#8a6d3b;background:#fcf8e3;padding:.4em .6em}.how{color:#555;max-width:60em}"
            + ".tick{font-size:11px;fill:#555}.verdict{font-weight:bold}.verdict.drift{color:#d32f2f}"
            + ".verdict.moderate{color:#f57c00}.verdict.stable{color:#388e3c}.verdict.insufficient_data{color:#777}"
            + ".sev{font-weight:bold;padding:0 .3em;border-radius:3px;color:#fff;background:#777}.sev.P0{background:"
            + "#b71c1c}.sev.P1{background:#e65100}.sev.P2{background:#f9a825;color:#222}.sev.P3{background:#90a4ae}"
            + ".parameter,.wafer,.advice{margin-bottom:1.5em}figure{margin:.5em 0}svg{margin-right:8px}"
            + "small{color:#666;font-weight:normal}td.t{white-space:nowrap}";

    private ReportPage() {}

    public static String render(ReportData r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String title = "WaferFlow report: " + r.group() + " " + r.version();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<h1>")
                .append(esc(title))
                .append("</h1>\n<p>From ")
                .append(esc(r.source()))
                .append(", ")
                .append(
                        r.from() == null
                                ? "from the start"
                                : "from " + esc(r.from().toString()))
                .append(r.to() == null ? " to the end" : " to " + esc(r.to().toString()))
                .append(" (event time). Written ")
                .append(esc(r.generatedAt().toString()))
                .append(".</p>\n");
        h.append("<nav><a href=\"#drift\">Drift</a><a href=\"#quality\">Data quality</a>"
                + "<a href=\"#maps\">Wafer maps</a><a href=\"#alerts\">Alerts</a></nav>\n");
        if (!r.notes().isEmpty()) {
            h.append("<ul class=\"missing notes\">");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>\n");
        }
        DriftSection.render(r, h);
        QualitySection.render(r, h);
        WaferMapSection.render(r, h);
        AlertSection.render(r, h);
        return h.append("</body></html>\n").toString();
    }
}
