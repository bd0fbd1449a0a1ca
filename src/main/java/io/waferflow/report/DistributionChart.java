package io.waferflow.report;

import static io.waferflow.report.Html.esc;
import static io.waferflow.report.Html.xy;

import java.util.Arrays;

/**
 * A baseline and a current sample of one parameter overlaid, as two inline SVGs: histograms (each bin's share of its
 * sample, so samples of different sizes compare) and empirical CDFs (the KS distance D is their largest vertical gap).
 */
final class DistributionChart {

    static final String BASELINE = "#4c78a8";
    static final String CURRENT = "#f58518";
    private static final int WIDTH = 330;
    private static final int HEIGHT = 200;
    private static final int PAD = 28;
    private static final int BINS = 30;
    private static final int CDF_STEPS = 200;

    private final double[] baseline;
    private final double[] current;
    private final double lo;
    private final double hi;

    DistributionChart(double[] baseline, double[] current) {
        this.baseline = baseline.clone();
        this.current = current.clone();
        Arrays.sort(this.baseline);
        Arrays.sort(this.current);
        double min = Math.min(this.baseline[0], this.current[0]);
        double max = Math.max(this.baseline[this.baseline.length - 1], this.current[this.current.length - 1]);
        double pad = max > min ? 0 : Math.max(Math.abs(min) * 0.01, 1e-9);
        this.lo = min - pad;
        this.hi = max + pad;
    }

    private double x(double v) {
        return PAD + (v - lo) / (hi - lo) * (WIDTH - 2 * PAD);
    }

    private double y(double share, double max) {
        return HEIGHT - PAD - share / max * (HEIGHT - 2 * PAD);
    }

    String histogram(String parameter) {
        double[] b = shares(baseline);
        double[] c = shares(current);
        double max = 0;
        for (int i = 0; i < BINS; i++) {
            max = Math.max(max, Math.max(b[i], c[i]));
        }
        StringBuilder s = open("histogram", parameter, "histogram of " + parameter + ", baseline and current");
        double w = (WIDTH - 2 * PAD) / (double) BINS;
        for (int i = 0; i < BINS; i++) {
            double from = lo + i * (hi - lo) / BINS;
            bar(s, PAD + i * w, w, b[i], max, BASELINE, "baseline", from);
            bar(s, PAD + i * w, w, c[i], max, CURRENT, "current", from);
        }
        return axis(s, "share of values").append("</svg>").toString();
    }

    String cdf(String parameter) {
        StringBuilder s = open("cdf", parameter, "cumulative distribution of " + parameter + ", baseline and current");
        steps(s, baseline, BASELINE);
        steps(s, current, CURRENT);
        return axis(s, "share ≤ value").append("</svg>").toString();
    }

    private double[] shares(double[] sorted) {
        double[] shares = new double[BINS];
        for (double v : sorted) {
            int bin = (int) Math.min(BINS - 1, Math.floor((v - lo) / (hi - lo) * BINS));
            shares[Math.max(0, bin)] += 1.0 / sorted.length;
        }
        return shares;
    }

    private void bar(
            StringBuilder s, double left, double w, double share, double max, String color, String side, double from) {
        if (share <= 0) {
            return;
        }
        double top = y(share, max);
        s.append("<rect x=\"")
                .append(xy(left))
                .append("\" y=\"")
                .append(xy(top))
                .append("\" width=\"")
                .append(xy(w))
                .append("\" height=\"")
                .append(xy(HEIGHT - PAD - top))
                .append("\" fill=\"")
                .append(color)
                .append("\" fill-opacity=\"0.5\"><title>")
                .append(side)
                .append(" from ")
                .append(Html.num(from, 4))
                .append(": ")
                .append(Html.num(100 * share, 1))
                .append(" %</title></rect>");
    }

    private void steps(StringBuilder s, double[] sorted, String color) {
        StringBuilder d =
                new StringBuilder("M").append(xy(x(sorted[0]))).append(' ').append(xy(y(0, 1)));
        int steps = Math.min(CDF_STEPS, sorted.length);
        for (int k = 1; k <= steps; k++) {
            int i = (int) Math.ceil((double) k * sorted.length / steps) - 1;
            double share = (i + 1) / (double) sorted.length;
            d.append(" H").append(xy(x(sorted[i]))).append(" V").append(xy(y(share, 1)));
        }
        s.append("<path d=\"")
                .append(d)
                .append("\" fill=\"none\" stroke=\"")
                .append(color)
                .append("\" stroke-width=\"2\"/>");
    }

    private StringBuilder open(String kind, String parameter, String label) {
        return Html.svgOpen("class=\"" + kind + "\" data-parameter=\"" + esc(parameter) + "\"", WIDTH, HEIGHT, label)
                .append("<rect x=\"")
                .append(PAD)
                .append("\" y=\"")
                .append(PAD)
                .append("\" width=\"")
                .append(WIDTH - 2 * PAD)
                .append("\" height=\"")
                .append(HEIGHT - 2 * PAD)
                .append("\" fill=\"#fff\" stroke=\"#bbb\"/>");
    }

    private StringBuilder axis(StringBuilder s, String yLabel) {
        int base = HEIGHT - PAD + 14;
        s.append("<text x=\"")
                .append(PAD)
                .append("\" y=\"")
                .append(base)
                .append("\" class=\"tick\">")
                .append(Html.num(lo, 4))
                .append("</text>");
        s.append("<text x=\"")
                .append(WIDTH - PAD)
                .append("\" y=\"")
                .append(base)
                .append("\" class=\"tick\" text-anchor=\"end\">")
                .append(Html.num(hi, 4))
                .append("</text>");
        s.append("<text x=\"")
                .append(PAD)
                .append("\" y=\"")
                .append(PAD - 8)
                .append("\" class=\"tick\">")
                .append(esc(yLabel))
                .append("</text>");
        return s;
    }
}
