package io.waferflow.model;

import io.waferflow.alerts.Alert;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The key numbers of an alert as labelled, human-readable facts, in reading order: what the Slack payload, the log line
 * and {@code waferflow alerts tail} show. Only facts the alert carries are listed (NaN numbers and null strings are
 * left out), so a drift alert shows baseline vs current and a wafer alert its rate against the threshold.
 */
public final class AlertFacts {

    /** One labelled value, e.g. ("PSI", "0.31"). */
    public record Fact(String label, String value) {}

    private AlertFacts() {}

    /** The condition's numbers: drift context, then data-quality context. */
    public static List<Fact> numbers(Alert a) {
        List<Fact> facts = new ArrayList<>();
        if (a.features != null && !a.features.isBlank()) {
            facts.add(new Fact("features", a.features));
        } else if (a.feature != null && !a.feature.isBlank()) {
            // A drift group shares the fact: Slack shows at most 10, and a group alert has every other one too.
            facts.add(new Fact("feature", a.driftGroup == null ? a.feature : a.feature + " on " + a.driftGroup));
        }
        if (Double.isFinite(a.baselineMean)) {
            facts.add(new Fact("baseline", meanStd(a.baselineMean, a.baselineStd, a.nBaseline)));
        }
        if (Double.isFinite(a.currentMean)) {
            facts.add(new Fact("current", meanStd(a.currentMean, a.currentStd, a.nCurrent)));
        }
        if (Double.isFinite(a.shiftSigma)) {
            facts.add(new Fact("shift", signed(a.shiftSigma) + " σ"));
        }
        if (Double.isFinite(a.psi)) {
            facts.add(new Fact("PSI", number(a.psi)));
        }
        if (Double.isFinite(a.ksD) || Double.isFinite(a.ksPValue)) {
            String ks = "D " + number(a.ksD) + ", p " + pValue(a.ksPValue);
            if (Double.isFinite(a.fdrThreshold)) {
                ks += " (FDR threshold " + pValue(a.fdrThreshold) + ")";
            }
            facts.add(new Fact("KS", ks));
        }
        if (a.waferId != null && !a.waferId.isBlank()) {
            facts.add(new Fact(
                    "wafer", a.waferId + (a.lotId == null || a.lotId.isBlank() ? "" : " (lot " + a.lotId + ")")));
        }
        if (a.field != null && !a.field.isBlank()) {
            facts.add(new Fact("field", a.field));
        }
        if (Double.isFinite(a.rate)) {
            facts.add(rate(a));
        }
        return facts;
    }

    /** When: the episode's first and last window, how many windows, and the window of this notification. */
    public static List<Fact> episode(Alert a) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("first seen", iso(a.firstSeen)));
        facts.add(new Fact("last seen", iso(a.lastSeen)));
        facts.add(new Fact("occurrences", Long.toString(a.occurrences)));
        if (a.windowEnd > a.windowStart) {
            facts.add(new Fact("window", iso(a.windowStart) + " .. " + iso(a.windowEnd)));
        }
        return facts;
    }

    /** {@code numbers} then {@code episode}. */
    public static List<Fact> all(Alert a) {
        List<Fact> facts = numbers(a);
        facts.addAll(episode(a));
        return facts;
    }

    /**
     * The rate's meaning depends on the type (see {@code QualityEvent}): for distribution shifts the distance of the
     * window mean from the baseline mean in baseline σ, for IQR outliers the share of values outside the fences
     * (threshold = fence factor), else a share of the window's devices or records against a share.
     */
    private static Fact rate(Alert a) {
        String type = a.type == null ? "" : a.type;
        switch (type) {
            case "distribution_shift":
                return new Fact(
                        "mean shift",
                        number(a.rate) + " σ"
                                + (Double.isFinite(a.threshold) ? " (threshold " + number(a.threshold) + " σ)" : ""));
            case "iqr_outliers":
                return new Fact(
                        "outliers",
                        percent(a.rate) + " of values"
                                + (Double.isFinite(a.threshold)
                                        ? " outside Q1 − " + number(a.threshold) + "·IQR .. Q3 + " + number(a.threshold)
                                                + "·IQR"
                                        : ""));
            default:
                return new Fact(
                        "rate",
                        percent(a.rate)
                                + (Double.isFinite(a.threshold) ? " (threshold " + percent(a.threshold) + ")" : ""));
        }
    }

    /** ISO-8601 UTC, e.g. {@code 2026-11-27T10:00:00Z}. */
    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Five significant digits, no trailing zeros, plain notation within 1e-4..1e7; "n/a" for NaN. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        double abs = Math.abs(v);
        if (abs != 0 && (abs < 1e-4 || abs >= 1e7)) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        return new BigDecimal(v).round(new MathContext(5)).stripTrailingZeros().toPlainString();
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", v) : "n/a";
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }

    private static String pValue(double p) {
        if (!Double.isFinite(p)) {
            return "n/a";
        }
        return p < 1e-15 ? "<1e-15" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static String meanStd(double mean, double std, long n) {
        return number(mean) + (Double.isFinite(std) ? " ± " + number(std) : "") + (n > 0 ? " (n " + n + ")" : "");
    }
}
