package io.waferflow.report;

import io.waferflow.alerts.Alert;
import io.waferflow.drift.DriftMetric;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one report shows, read from the offline store beforehand (by the {@code report} command): the report package
 * draws, it reads no file. Lists hold what lies in the report's time range.
 *
 * @param source where the rows came from (the offline root), shown in the header
 * @param from start of the time range (inclusive), null for open
 * @param to end of the time range (exclusive), null for open
 * @param parameters the parametric tests, in schema order: one drift chart each
 * @param psiModerate PSI from which a shift is moderate (the drift configuration's verdict band)
 * @param psiDrift PSI from which a shift is drift
 * @param distributions per parameter, the values of its latest drift window and of its baseline, where the raw archive
 *     holds them
 * @param waferWindows the feature rows: one per wafer window, newest revision
 * @param maps the wafer maps to draw
 * @param advice per issue type (quality event type, or the guidance a violation rule maps to), causes and actions
 * @param adviceOfRule per violation rule, the issue type whose advice applies
 * @param alerts the alert notifications; null when none were given (they are not in the offline store)
 * @param runbookBase what runbook paths are resolved against for links (a URL or a file: URI ending in /), or null
 * @param notes what could not be shown and why
 */
public record ReportData(
        String group,
        String version,
        String source,
        Instant from,
        Instant to,
        Instant generatedAt,
        List<String> parameters,
        double psiModerate,
        double psiDrift,
        List<DriftMetric> drift,
        Map<String, Distributions> distributions,
        List<Violation> violations,
        List<QualityEvent> qualityEvents,
        List<WaferWindow> waferWindows,
        List<WaferMap> maps,
        Map<String, Advice> advice,
        Map<String, String> adviceOfRule,
        List<Alert> alerts,
        String runbookBase,
        List<String> notes) {

    /** One feature row of a wafer window (its newest revision): what the wafer tables need of it. */
    public record WaferWindow(
            String waferId,
            long windowStart,
            long windowEnd,
            long deviceCount,
            double yieldPct,
            double neighborYield) {}

    /**
     * A parameter's values in its latest drift window and in its baseline, both from the raw archive.
     *
     * @param baselineId the drift metric's baseline ({@code stream:<from>..<to>} or {@code file:<name>})
     */
    public record Distributions(
            String parameter,
            long windowStart,
            long windowEnd,
            String baselineId,
            double[] baseline,
            double[] current) {}

    /** What to suspect and do about one issue type, and the runbook that explains it (path relative to the repo). */
    public record Advice(List<String> likelyCauses, List<String> recommendedActions, String runbook) {}

    /**
     * Each wafer's yield over its feature rows, in percent: the windows' yields weighted by their devices (a wafer
     * tested across several windows has one row per window).
     */
    public static Map<String, Double> yieldByWafer(List<WaferWindow> windows) {
        Map<String, double[]> sums = new java.util.HashMap<>();
        for (WaferWindow w : windows) {
            if (Double.isFinite(w.yieldPct()) && w.deviceCount() > 0) {
                double[] s = sums.computeIfAbsent(w.waferId(), k -> new double[2]);
                s[0] += w.yieldPct() * w.deviceCount();
                s[1] += w.deviceCount();
            }
        }
        Map<String, Double> yield = new java.util.HashMap<>();
        sums.forEach((wafer, s) -> yield.put(wafer, s[0] / s[1]));
        return yield;
    }

    /** A link to a runbook, or the path as code when there is nothing to resolve it against. */
    String runbookLink(String runbook) {
        if (runbook == null || runbook.isBlank()) {
            return "";
        }
        if (runbookBase == null) {
            return "<code>" + Html.esc(runbook) + "</code>";
        }
        String base = runbookBase.endsWith("/") ? runbookBase : runbookBase + "/";
        return "<a class=\"runbook\" href=\"" + Html.esc(base + runbook) + "\">" + Html.esc(runbook) + "</a>";
    }
}
