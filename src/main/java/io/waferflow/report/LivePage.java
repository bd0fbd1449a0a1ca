package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.num;

import io.waferflow.alerts.Alert;
import io.waferflow.drift.DriftMetric;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The live page of {@code serve}: a shell ({@link #shell}) whose inline script asks the server for the current state
 * every few seconds and shows the HTML {@link #body} drew from it. Drawn with the report's own builders (wafer maps,
 * verdict colours, escaping), so the live page and the report show a wafer the same way. No resource from the network.
 *
 * <p>The shell holds no data: with a bearer token configured the state needs it, and the script sends it from the URL
 * fragment ({@code /ui#token=...}), which a browser never sends to a server, proxy or log.
 */
public final class LivePage {

    /** Where the script asks for the state. */
    public static final String STATE_PATH = "/ui/state";

    private static final String LIVE_STYLE = ".wafers{display:flex;flex-wrap:wrap;gap:1em}.wafers .wafer{border:1px"
            + " solid #ddd;padding:.4em .8em}.wafers svg.wafer-map{width:456px;height:336px}#status{color:#555}"
            + "#status.missing{color:#8a6d3b}";

    /** Polls every {@code pollMillis}; shows why a poll failed in the page, never in the console (no Redis is news). */
    /**
     * Polls every {@code every} ms, sending the tag of what it shows ({@code have}): an unchanged state comes back
     * without HTML. Why a poll failed is shown in the page, never in the console (Redis away is news, not a bug).
     */
    private static final String SCRIPT = "(function(){var every=%d;var live=document.getElementById('live');"
            + "var status=document.getElementById('status');var polls=0;var have='';"
            + "var m=/(?:^#|&)token=([^&]*)/.exec(location.hash);var headers={};"
            + "if(m){headers.Authorization='Bearer '+decodeURIComponent(m[1]);}"
            + "function poll(){fetch('" + STATE_PATH + "?have='+encodeURIComponent(have),{headers:headers,"
            + "cache:'no-store'}).then(function(r){return r.json().then(function(s){if(!r.ok){"
            + "throw new Error(s.error||('HTTP '+r.status));}return s;});}).then(function(s){"
            + "if(s.html!==undefined){live.innerHTML=s.html;have=s.tag;}polls++;"
            + "live.setAttribute('data-polls',String(polls));status.className='';"
            + "status.textContent='updated '+new Date(s.generated_at).toISOString().replace('T',' ').substring(0,19)"
            + "+' UTC, every '+(every/1000)+' s';}).catch(function(e){status.className='missing';"
            + "status.textContent='cannot refresh: '+e.message;}).then(function(){setTimeout(poll,every);});}"
            + "poll();})();";

    private LivePage() {}

    /** The page a browser loads: style, an empty {@code #live} the script fills, the script. */
    public static String shell(String title, long pollMillis) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><link rel=\"icon\" href=\"data:,\"><style>" + ReportPage.STYLE + LIVE_STYLE
                + "</style></head><body>\n<h1>" + esc(title) + "</h1>\n<p id=\"status\">loading…</p>\n"
                + "<noscript><p class=\"missing\">The live page needs JavaScript; <code>waferflow report</code>"
                + " writes the same pictures as a static file.</p></noscript>\n"
                + "<main id=\"live\" data-polls=\"0\"></main>\n<script>" + script(pollMillis)
                + "</script></body></html>\n";
    }

    /** The shell's script, for a Content-Security-Policy that lets it and nothing else run. */
    public static String script(long pollMillis) {
        return String.format(java.util.Locale.ROOT, SCRIPT, pollMillis);
    }

    /** {@code 'sha256-...'} of the shell's script, as a Content-Security-Policy source. */
    public static String scriptHash(long pollMillis) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(script(pollMillis).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code #live} shows: the latest wafers with their maps, the drift status per parameter, the open alerts. */
    public static String body(LiveData d, double psiModerate, double psiDrift) {
        StringBuilder h = new StringBuilder(32 * 1024);
        // No read time here (the status line shows it): the HTML changes only when what it shows does.
        h.append("<p>Feature group <b>")
                .append(esc(d.group()))
                .append("</b>, version <b>")
                .append(esc(d.version()))
                .append("</b>.</p>\n");
        if (!d.notes().isEmpty()) {
            h.append("<ul class=\"missing notes\">");
            d.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>\n");
        }
        wafers(d, h);
        drift(d, psiModerate, psiDrift, h);
        alerts(d, h);
        return h.toString();
    }

    private static void wafers(LiveData d, StringBuilder h) {
        h.append("<section id=\"wafers\"><h2>Latest wafers</h2>\n<p class=\"how\">The wafers whose windows ended last"
                + " in the online store: yield and neighbour yield of that window as the features job computed them;"
                + " the map shows each tested die's latest test in the raw archive (committed with each checkpoint,"
                + " so it may lag the row by one checkpoint interval).</p>\n");
        if (d.wafers().isEmpty()) {
            h.append("<p class=\"missing\">No wafer in the online store yet.</p>\n");
        }
        h.append("<div class=\"wafers\">");
        for (LiveData.Wafer w : d.wafers()) {
            h.append("<div class=\"wafer\" data-wafer=\"")
                    .append(esc(w.waferId()))
                    .append("\"><h3>")
                    .append(esc(w.waferId()))
                    .append(
                            w.lotId() == null || w.lotId().isEmpty()
                                    ? ""
                                    : " <small>lot " + esc(w.lotId()) + "</small>")
                    .append("</h3>\n<p class=\"yield\" data-wafer=\"")
                    .append(esc(w.waferId()))
                    .append("\">yield <b>")
                    .append(num(w.yieldPct(), 1))
                    .append(" %</b> of ")
                    .append(w.deviceCount())
                    .append(" devices, neighbour yield ")
                    .append(num(w.neighbourYield(), 3))
                    .append("<br><small>window ")
                    .append(Html.time(w.windowStart()))
                    .append(" – ")
                    .append(Html.time(w.windowEnd()))
                    .append("</small></p>\n");
            if (w.map() == null || w.map().dies().isEmpty()) {
                h.append("<p class=\"missing\">No dies of ")
                        .append(esc(w.waferId()))
                        .append(" in the raw archive yet.</p>");
            } else {
                h.append("<p class=\"map-yield\"><small>map: ")
                        .append(w.map().dies().size())
                        .append(" dies, ")
                        .append(w.map().passed())
                        .append(" passed (")
                        .append(num(w.map().yieldPct(), 1))
                        .append(" %)</small></p>")
                        .append(WaferMapSvg.svg(w.map()));
            }
            h.append("</div>\n");
        }
        h.append("</div></section>\n");
    }

    private static void drift(LiveData d, double psiModerate, double psiDrift, StringBuilder h) {
        h.append("<section id=\"drift\"><h2>Drift</h2>\n<p class=\"how\">Each parameter's latest drift window against"
                        + " its baseline: stable below PSI ")
                .append(num(psiModerate, 2))
                .append(", moderate to ")
                .append(num(psiDrift, 2))
                .append(", drift above (and the KS test rejecting at α).</p>\n<table class=\"drift-status\"><tr>"
                        + "<th>parameter</th><th>verdict</th><th>PSI</th><th>KS D</th><th>p</th><th>mean</th>"
                        + "<th>n current</th><th>window</th></tr>");
        for (String p : d.parameters()) {
            DriftMetric m = d.drift().get(p);
            h.append("<tr class=\"drift-status\" data-parameter=\"")
                    .append(esc(p))
                    .append("\"><td>");
            h.append(esc(p)).append("</td>");
            if (m == null) {
                h.append("<td class=\"verdict insufficient_data\">no window yet</td><td colspan=\"6\"></td></tr>");
                continue;
            }
            h.append("<td>")
                    .append(DriftSection.verdictLabel(m))
                    .append("</td><td class=\"n\">")
                    .append(num(m.psi, 3))
                    .append("</td><td class=\"n\">")
                    .append(num(m.ksD, 3))
                    .append("</td><td class=\"n\">")
                    .append(Html.p(m.ksPValueConservative))
                    .append("</td><td class=\"n\">")
                    .append(DriftSection.meanShift(m))
                    .append("</td><td class=\"n\">")
                    .append(m.nCurrent)
                    .append("</td><td class=\"t\">")
                    .append(DriftSection.window(m))
                    .append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static void alerts(LiveData d, StringBuilder h) {
        h.append("<section id=\"alerts\"><h2>Open alerts</h2>\n");
        if (d.alerts() == null) {
            h.append("<p class=\"missing\">Alerts are not read here (no alert topic configured).</p></section>\n");
            return;
        }
        if (d.alerts().isEmpty()) {
            h.append("<p class=\"none-open\">No alert is firing.</p></section>\n");
            return;
        }
        h.append("<table class=\"open-alerts\"><tr><th>severity</th><th>alert</th><th>since</th><th>last seen</th>"
                + "<th>windows</th><th>runbook</th></tr>");
        for (Alert a : d.alerts()) {
            String sev = a.severity == null ? "" : a.severity.name();
            h.append("<tr class=\"open-alert\" data-key=\"")
                    .append(esc(a.key))
                    .append("\"><td><span class=\"sev ")
                    .append(esc(sev))
                    .append("\">")
                    .append(esc(sev))
                    .append("</span></td><td>")
                    .append(esc(a.title))
                    .append("<br><small>")
                    .append(esc(a.key))
                    .append("</small></td><td class=\"t\">")
                    .append(Html.time(a.firstSeen))
                    .append("</td><td class=\"t\">")
                    .append(Html.time(a.lastSeen))
                    .append("</td><td class=\"n\">")
                    .append(a.occurrences)
                    .append("</td><td><code>")
                    .append(esc(a.runbook))
                    .append("</code></td></tr>");
        }
        h.append("</table></section>\n");
    }
}
