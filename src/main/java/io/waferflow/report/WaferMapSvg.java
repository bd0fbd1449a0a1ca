package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.xy;

import io.waferflow.report.WaferMap.Die;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A wafer map as inline SVG: one {@code <rect data-die="x,y" data-pass="1|0">} per tested die at its coordinates (y
 * growing downwards, as probers step), coloured by pass/fail, by bin or by a parameter's value, with a legend.
 */
final class WaferMapSvg {

    static final String PASS = "#2e7d32";
    static final String FAIL = "#c62828";
    static final String MISSING = "#bdbdbd";
    private static final int MAP = 420;
    private static final int LEGEND = 150;
    /** Categorical colours for bins (ColorBrewer Set1/Dark2-like, distinguishable on white). */
    private static final String[] BINS = {
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4", "#b2df8a"
    };
    /** A sequential scale, low to high (viridis stops). */
    private static final int[][] SCALE = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    private WaferMapSvg() {}

    static String svg(WaferMap map) {
        if (map.dies().isEmpty()) {
            return "<p class=\"missing\">No tested dies of " + esc(map.waferId()) + " in the raw archive.</p>";
        }
        int minX = Integer.MAX_VALUE;
        int maxX = Integer.MIN_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxY = Integer.MIN_VALUE;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Die d : map.dies()) {
            minX = Math.min(minX, d.x());
            maxX = Math.max(maxX, d.x());
            minY = Math.min(minY, d.y());
            maxY = Math.max(maxY, d.y());
            if (Double.isFinite(d.value())) {
                lo = Math.min(lo, d.value());
                hi = Math.max(hi, d.value());
            }
        }
        int span = Math.max(maxX - minX, maxY - minY) + 1;
        double cell = Math.max(2, Math.min(24, (MAP - 40) / (double) span));
        double size = cell * span;
        double ox = (MAP - size) / 2;
        double oy = (MAP - size) / 2;
        StringBuilder s = Html.svgOpen(
                "class=\"wafer-map\" data-wafer=\"" + esc(map.waferId()) + "\" data-dies=\""
                        + map.dies().size() + "\"",
                MAP + LEGEND,
                MAP,
                "wafer map of " + Objects.toString(map.waferId(), ""));
        s.append("<circle cx=\"")
                .append(xy(MAP / 2.0))
                .append("\" cy=\"")
                .append(xy(MAP / 2.0))
                .append("\" r=\"")
                .append(xy(size / 2 + cell * 0.8))
                .append("\" fill=\"#f5f5f5\" stroke=\"#999\"/>");
        Map<Integer, Integer> binCounts = new TreeMap<>();
        for (Die d : map.dies()) {
            Integer bin = "hard_bin".equals(map.colorBy()) ? d.hardBin() : d.softBin();
            if (bin != null) {
                binCounts.merge(bin, 1, Integer::sum);
            }
            String fill = fill(map.colorBy(), d, bin, lo, hi);
            s.append("<rect data-die=\"")
                    .append(d.x())
                    .append(',')
                    .append(d.y())
                    .append("\" data-pass=\"")
                    .append(d.passed() ? 1 : 0)
                    .append("\" x=\"")
                    .append(xy(ox + (d.x() - minX) * cell))
                    .append("\" y=\"")
                    .append(xy(oy + (d.y() - minY) * cell))
                    .append("\" width=\"")
                    .append(xy(cell - (cell > 4 ? 1 : 0)))
                    .append("\" height=\"")
                    .append(xy(cell - (cell > 4 ? 1 : 0)))
                    .append("\" fill=\"")
                    .append(fill)
                    .append("\"><title>")
                    .append(title(map.colorBy(), d))
                    .append("</title></rect>");
        }
        legend(s, map, binCounts, lo, hi);
        return s.append("</svg>").toString();
    }

    private static String fill(String colorBy, Die d, Integer bin, double lo, double hi) {
        return switch (colorBy) {
            case "pass_fail" -> d.passed() ? PASS : FAIL;
            case "hard_bin", "soft_bin" -> bin == null ? MISSING : BINS[Math.floorMod(bin, BINS.length)];
            default -> Double.isFinite(d.value()) ? scale(hi > lo ? (d.value() - lo) / (hi - lo) : 0.5) : MISSING;
        };
    }

    private static String title(String colorBy, Die d) {
        StringBuilder t = new StringBuilder("die (")
                .append(d.x())
                .append(", ")
                .append(d.y())
                .append("): ")
                .append(d.passed() ? "pass" : "fail");
        if (d.hardBin() != null) {
            t.append(", hard bin ").append(d.hardBin());
        }
        if (d.softBin() != null) {
            t.append(", soft bin ").append(d.softBin());
        }
        if (!colorBy.equals("pass_fail") && !colorBy.endsWith("_bin")) {
            t.append(", ").append(esc(colorBy)).append(' ').append(Html.num(d.value(), 4));
        }
        return t.toString();
    }

    private static void legend(StringBuilder s, WaferMap map, Map<Integer, Integer> bins, double lo, double hi) {
        int x = MAP + 10;
        int y = 20;
        switch (map.colorBy()) {
            case "pass_fail" -> {
                key(s, x, y, PASS, "pass (" + map.passed() + ")");
                key(s, x, y + 18, FAIL, "fail (" + (map.dies().size() - map.passed()) + ")");
            }
            case "hard_bin", "soft_bin" -> {
                int row = 0;
                for (Map.Entry<Integer, Integer> b : bins.entrySet()) {
                    if (row == 16) {
                        break; // the tooltip names every die's bin; the legend the commonest colours
                    }
                    key(
                            s,
                            x,
                            y + 18 * row++,
                            BINS[Math.floorMod(b.getKey(), BINS.length)],
                            map.colorBy().replace('_', ' ') + " " + b.getKey() + " (" + b.getValue() + ")");
                }
            }
            default -> {
                for (int i = 0; i <= 4; i++) {
                    double f = 1 - i / 4.0;
                    key(s, x, y + 18 * i, scale(f), esc(map.colorBy()) + " " + Html.num(lo + f * (hi - lo), 4));
                }
                key(s, x, y + 18 * 5, MISSING, "no value");
            }
        }
    }

    private static void key(StringBuilder s, int x, int y, String color, String label) {
        s.append("<rect x=\"")
                .append(x)
                .append("\" y=\"")
                .append(y - 10)
                .append("\" width=\"12\" height=\"12\" fill=\"")
                .append(color)
                .append("\"/><text x=\"")
                .append(x + 18)
                .append("\" y=\"")
                .append(y)
                .append("\" class=\"tick\">")
                .append(label)
                .append("</text>");
    }

    /** The colour of a share (0..1) of the way from the lowest to the highest value. */
    static String scale(double f) {
        double p = Math.max(0, Math.min(1, f)) * (SCALE.length - 1);
        int i = (int) Math.min(SCALE.length - 2, Math.floor(p));
        double r = p - i;
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (int) Math.round(SCALE[i][c] + r * (SCALE[i + 1][c] - SCALE[i][c]));
        }
        return String.format("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }
}
