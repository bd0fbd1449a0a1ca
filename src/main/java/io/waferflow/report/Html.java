package io.waferflow.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text into HTML and SVG: every string from the data is escaped here, numbers and times formatted one way. */
final class Html {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Html() {}

    /** Text or an attribute value: the five characters HTML gives meaning to, escaped; null becomes "". */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A number with {@code decimals} decimals, "–" when it is not one. */
    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
    }

    /** A small probability in a readable form: 3.5e-09, 0.012. */
    static String p(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        return v != 0 && v < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * The opening {@code <svg>} tag of a chart or map: its size, a viewBox of the same size, and its label for screen
     * readers (escaped here).
     *
     * @param attributes the element's own attributes (already escaped), e.g. {@code class="cdf"}
     */
    static StringBuilder svgOpen(String attributes, int width, int height, String label) {
        return new StringBuilder("<svg ")
                .append(attributes)
                .append(" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(esc(label))
                .append("\">");
    }

    /** An SVG coordinate. */
    static String xy(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** An instant to the minute, UTC: "2026-11-27 10:05". */
    static String time(long epochMillis) {
        return MINUTE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A duration for people: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
    static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toMinutes() < 1) {
            return d.toSeconds() + " s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min";
        }
        if (d.toDays() < 1) {
            return d.toHours() + " h" + (d.toMinutesPart() == 0 ? "" : " " + d.toMinutesPart() + " min");
        }
        return d.toDays() + " d" + (d.toHoursPart() == 0 ? "" : " " + d.toHoursPart() + " h");
    }
}
