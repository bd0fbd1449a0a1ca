package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.xy;

import java.util.List;

/**
 * The frame of a chart over time, as inline SVG: a plot area, a value axis from 0 to {@code yMax} and the time axis
 * from {@code t0} to {@code t1}; callers add lines, points, bands and bars in its coordinates.
 */
final class TimeChart {

    static final int WIDTH = 680;
    static final int HEIGHT = 220;
    private static final int LEFT = 52;
    private static final int RIGHT = 150; // room for the legend
    private static final int TOP = 14;
    private static final int BOTTOM = 34;

    /** A legend entry: a colour swatch and its label. */
    record Key(String color, String label) {}

    private final long t0;
    private final long t1;
    private final double yMax;
    private final StringBuilder body = new StringBuilder();
    private boolean valueTicks = true;

    TimeChart(long t0, long t1, double yMax) {
        this.t0 = t0;
        this.t1 = t1 > t0 ? t1 : t0 + 1;
        this.yMax = yMax > 0 && Double.isFinite(yMax) ? yMax : 1;
    }

    double x(long t) {
        return LEFT + (double) (t - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT);
    }

    double y(double v) {
        double clipped = Math.max(0, Math.min(v, yMax));
        return TOP + (1 - clipped / yMax) * (HEIGHT - TOP - BOTTOM);
    }

    /** No numbers on the value axis (rows of a timeline are not amounts). */
    TimeChart withoutValueTicks() {
        valueTicks = false;
        return this;
    }

    double plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    /** A horizontal band of values [from, to), e.g. a verdict's PSI range, labelled at its right edge. */
    TimeChart band(double from, double to, String color, String label) {
        double top = y(Math.min(to, yMax));
        double bottom = y(from);
        body.append("<rect class=\"band\" x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(xy(top))
                .append("\" width=\"")
                .append(xy(plotWidth()))
                .append("\" height=\"")
                .append(xy(bottom - top))
                .append("\" fill=\"")
                .append(color)
                .append("\"><title>")
                .append(esc(label))
                .append("</title></rect>");
        return this;
    }

    /** A line through the points (t[i], v[i]); NaN values break it. */
    TimeChart line(long[] t, double[] v, String color, boolean dashed) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < t.length; i++) {
            if (!Double.isFinite(v[i])) {
                pen = false;
                continue;
            }
            d.append(pen ? " L" : " M").append(xy(x(t[i]))).append(' ').append(xy(y(v[i])));
            pen = true;
        }
        if (d.length() > 0) {
            body.append("<path d=\"")
                    .append(d.toString().trim())
                    .append("\" fill=\"none\" stroke=\"")
                    .append(color)
                    .append("\" stroke-width=\"2\"")
                    .append(dashed ? " stroke-dasharray=\"5 3\"" : "")
                    .append("/>");
        }
        return this;
    }

    /** A point with a tooltip. */
    TimeChart point(long t, double v, String color, String title) {
        if (Double.isFinite(v)) {
            body.append("<circle cx=\"")
                    .append(xy(x(t)))
                    .append("\" cy=\"")
                    .append(xy(y(v)))
                    .append("\" r=\"3.5\" fill=\"")
                    .append(color)
                    .append("\" stroke=\"#fff\"><title>")
                    .append(esc(title))
                    .append("</title></circle>");
        }
        return this;
    }

    /** A bar from value {@code from} to {@code to} over [start, end). */
    TimeChart bar(long start, long end, double from, double to, String color, String title) {
        double left = x(start);
        double width = Math.max(1, x(end) - left - 1);
        body.append("<rect x=\"")
                .append(xy(left))
                .append("\" y=\"")
                .append(xy(y(to)))
                .append("\" width=\"")
                .append(xy(width))
                .append("\" height=\"")
                .append(xy(y(from) - y(to)))
                .append("\" fill=\"")
                .append(color)
                .append("\"><title>")
                .append(esc(title))
                .append("</title></rect>");
        return this;
    }

    /**
     * The chart as an {@code <svg>} element.
     *
     * @param attributes extra attributes of the element (already escaped), e.g. {@code class="drift-chart"}
     * @param yLabel what the value axis shows
     */
    String svg(String attributes, String label, String yLabel, List<Key> keys) {
        StringBuilder s = Html.svgOpen(attributes, WIDTH, HEIGHT, label);
        s.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(xy(plotWidth()))
                .append("\" height=\"")
                .append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"#fff\" stroke=\"#bbb\"/>");
        s.append(body);
        for (double f : valueTicks ? new double[] {0, 0.5, 1} : new double[0]) {
            double v = f * yMax;
            s.append("<text x=\"")
                    .append(LEFT - 4)
                    .append("\" y=\"")
                    .append(xy(y(v) + 4))
                    .append("\" text-anchor=\"end\" class=\"tick\">")
                    .append(Html.num(v, yMax < 1 ? 2 : 1))
                    .append("</text>");
        }
        s.append("<text x=\"12\" y=\"")
                .append(xy(TOP + (HEIGHT - TOP - BOTTOM) / 2.0))
                .append("\" class=\"tick\" transform=\"rotate(-90 12 ")
                .append(xy(TOP + (HEIGHT - TOP - BOTTOM) / 2.0))
                .append(")\" text-anchor=\"middle\">")
                .append(esc(yLabel))
                .append("</text>");
        int base = HEIGHT - BOTTOM + 16;
        s.append("<text x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(base)
                .append("\" class=\"tick\">")
                .append(Html.time(t0))
                .append("</text>");
        s.append("<text x=\"")
                .append(WIDTH - RIGHT)
                .append("\" y=\"")
                .append(base)
                .append("\" class=\"tick\" text-anchor=\"end\">")
                .append(Html.time(t1))
                .append(" UTC</text>");
        int ky = TOP + 8;
        for (Key k : keys) {
            s.append("<rect x=\"")
                    .append(WIDTH - RIGHT + 10)
                    .append("\" y=\"")
                    .append(ky - 8)
                    .append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(k.color())
                    .append("\"/>");
            s.append("<text x=\"")
                    .append(WIDTH - RIGHT + 24)
                    .append("\" y=\"")
                    .append(ky + 1)
                    .append("\" class=\"tick\">")
                    .append(esc(k.label()))
                    .append("</text>");
            ky += 16;
        }
        return s.append("</svg>").toString();
    }
}
