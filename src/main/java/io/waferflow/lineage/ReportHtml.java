package io.waferflow.lineage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The audit report as one static HTML page: inline styles, no scripts, no external resources, so it opens anywhere (an
 * auditor's laptop, a CI artifact) and shows the same as {@code report.json}, from which it is rendered.
 */
final class ReportHtml {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
            + "text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f3f3f3}"
            + ".ok{color:#176f2c}.missing{color:#b00020}#versions td:nth-child(-n+2){white-space:nowrap}"
            + "code{font-size:90%}";

    private ReportHtml() {}

    static String render(JsonNode r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lineage of ")
                .append(esc(r.get("feature_group").asText()))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<h1>Lineage of ")
                .append(esc(r.get("feature_group").asText()))
                .append(' ')
                .append(esc(r.get("feature_version").asText()))
                .append("</h1>\n");
        boolean complete = r.at("/coverage/missing").isEmpty();
        h.append("<p id=\"coverage\" class=\"")
                .append(complete ? "ok" : "missing")
                .append("\">")
                .append(esc(r.at("/coverage/line").asText()));
        if (!complete) {
            h.append(": no lineage for ").append(esc(join(r.at("/coverage/missing"))));
        }
        h.append("</p>\n<p>")
                .append(r.get("events").asInt())
                .append(" events of ")
                .append(r.get("runs").asInt())
                .append(" runs.</p>\n");

        JsonNode g = r.get("group");
        h.append("<h2>Feature group</h2>\n<p>")
                .append(code(g.get("name").asText()))
                .append(": ")
                .append(esc(g.get("description").asText()))
                .append("<br>entity ")
                .append(code(g.get("entity").asText()))
                .append(", owner ")
                .append(esc(g.get("owner").asText()))
                .append("</p>\n<table id=\"versions\"><tr><th>version</th><th>date</th><th>changes</th>"
                        + "<th>definition</th><th>changes from the version before</th>"
                        + "<th>stored definition fingerprint</th><th>runs</th><th>training sets</th></tr>\n");
        for (JsonNode v : g.get("versions")) {
            StringBuilder definition = new StringBuilder();
            v.path("definition")
                    .fields()
                    .forEachRemaining(d -> definition
                            .append(esc(d.getKey()))
                            .append(": ")
                            .append(esc(d.getValue().asText()))
                            .append("<br>"));
            boolean registered = v.get("registered").asBoolean();
            row(
                    h,
                    esc(v.get("version").asText()),
                    registered ? esc(v.get("date").asText()) : "<span class=\"missing\">not registered</span>",
                    esc(v.path("changes").asText()),
                    definition.toString(),
                    lines(v.path("changes_from_previous")),
                    code(v.path("definition_fingerprint").asText()),
                    runLines(v.get("runs"), "kind", "state", "started"),
                    runLines(v.get("training_sets"), "model", "started"));
        }
        h.append("</table>\n");
        if (!r.get("mismatches").isEmpty()) {
            h.append("<h2>Runs that do not match their registered version</h2>\n<ul class=\"missing\">");
            r.get("mismatches")
                    .forEach(m -> h.append("<li>")
                            .append(esc(m.get("problem").asText()))
                            .append("</li>"));
            h.append("</ul>\n");
        }

        h.append("<h2>Raw fields &rarr; features</h2>\n<table><tr><th>raw field</th><th>features</th></tr>\n");
        for (JsonNode f : r.get("raw_fields")) {
            row(h, code(f.get("field").asText()), esc(join(f.get("features"))));
        }
        h.append("</table>\n");

        h.append("<h2>Features</h2>\n<table><tr><th>feature</th><th>definition</th><th>registered history</th>"
                + "<th>lineage</th><th>versions written</th></tr>\n");
        for (JsonNode f : r.get("features")) {
            StringBuilder lineage = new StringBuilder();
            for (JsonNode l : f.get("lineage")) {
                lineage.append(code(l.get("dataset").asText()))
                        .append(" &larr; ")
                        .append(code(join(l.get("inputs"))))
                        .append("<br>")
                        .append(esc(l.get("transformation").asText()))
                        .append("<br>");
            }
            if (f.get("lineage").isEmpty()) {
                lineage.append("<span class=\"missing\">no lineage</span>");
            }
            StringBuilder versions = new StringBuilder();
            for (JsonNode v : f.get("versions")) {
                versions.append(esc(v.get("feature_version").asText()))
                        .append(": job ")
                        .append(esc(join(v.get("job_versions"))))
                        .append(", config ")
                        .append(code(shortJoin(v.get("config_fingerprints"))))
                        .append(", ")
                        .append(v.get("runs").size())
                        .append(" runs<br>");
            }
            StringBuilder history = new StringBuilder();
            for (JsonNode v : f.get("history")) {
                history.append(esc(
                                v.get("version").asText() + " (" + v.get("date").asText() + "): "
                                        + v.get("status").asText()))
                        .append(v.get("feature_changes").isEmpty() ? "" : ": " + lines(v.get("feature_changes")))
                        .append(" &mdash; ")
                        .append(esc(v.get("changes").asText()))
                        .append("<br>");
            }
            row(
                    h,
                    code(f.get("name").asText()),
                    esc(f.get("description").asText() + " (" + f.get("type").asText()
                            + (f.get("unit").asText().isEmpty()
                                    ? ""
                                    : ", " + f.get("unit").asText()) + "): "
                            + f.get("transformation").asText()),
                    history.toString(),
                    lineage.toString(),
                    versions.toString());
        }
        h.append("</table>\n");

        h.append("<h2>Training sets</h2>\n<table><tr><th>run</th><th>when</th><th>labels</th>"
                + "<th>feature tables</th><th>columns</th><th>model</th></tr>\n");
        for (JsonNode t : r.get("training_sets")) {
            StringBuilder tables = new StringBuilder();
            t.get("feature_tables")
                    .forEach(x -> tables.append(code(x.get("dataset").asText()))
                            .append(" (")
                            .append(esc(x.get("version").asText()))
                            .append(")<br>"));
            StringBuilder columns = new StringBuilder();
            t.get("columns")
                    .fields()
                    .forEachRemaining(c -> columns.append(code(c.getKey()))
                            .append(" &larr; ")
                            .append(code(join(c.getValue())))
                            .append("<br>"));
            row(
                    h,
                    code(t.get("run_id").asText()) + "<br>" + esc(t.get("state").asText()),
                    esc(t.get("started").asText()),
                    code(join(t.get("labels"))),
                    tables.toString(),
                    columns.toString(),
                    esc(t.path("model").asText()));
        }
        h.append("</table>\n<h2>Models</h2>\n<table><tr><th>model</th><th>training sets</th></tr>\n");
        for (JsonNode m : r.get("models")) {
            row(h, esc(m.get("name").asText()), code(join(m.get("training_sets"))));
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String... cells) {
        h.append("<tr>");
        for (String c : cells) {
            h.append("<td>").append(c).append("</td>");
        }
        h.append("</tr>\n");
    }

    private static String code(String text) {
        return "<code>" + esc(text) + "</code>";
    }

    private static String join(JsonNode values) {
        StringBuilder s = new StringBuilder();
        values.forEach(v -> s.append(s.length() == 0 ? "" : ", ").append(v.asText()));
        return s.toString();
    }

    /** One line per run: its id, then the given keys' values. */
    private static String runLines(JsonNode runs, String... keys) {
        StringBuilder s = new StringBuilder();
        for (JsonNode run : runs) {
            s.append(code(run.get("run_id").asText()));
            for (String k : keys) {
                s.append(' ').append(esc(run.path(k).asText()));
            }
            s.append("<br>");
        }
        return s.toString();
    }

    /** One escaped line per value. */
    private static String lines(JsonNode values) {
        StringBuilder s = new StringBuilder();
        values.forEach(v -> s.append(s.length() == 0 ? "" : "<br>").append(esc(v.asText())));
        return s.toString();
    }

    private static String shortJoin(JsonNode fingerprints) {
        StringBuilder s = new StringBuilder();
        fingerprints.forEach(v -> s.append(s.length() == 0 ? "" : ", ")
                .append(v.asText(), 0, Math.min(12, v.asText().length())));
        return s.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
