package io.waferflow.alerts;

import java.util.Arrays;

/**
 * The Benjamini–Hochberg step-up procedure: among m p-values, reject those at or below the largest p₍ᵢ₎ with p₍ᵢ₎ ≤ (i
 * / m) · q. This keeps the expected share of false discoveries among the rejected at most q (for independent or
 * positively dependent tests), where testing each at q would let about q · m through.
 */
public final class BenjaminiHochberg {

    private BenjaminiHochberg() {}

    /** The rejection threshold for these p-values (NaN ignored); −1 when nothing is rejected. */
    public static double threshold(double[] pValues, double q) {
        double[] p =
                Arrays.stream(pValues).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int m = p.length;
        for (int i = m; i >= 1; i--) {
            if (p[i - 1] <= (double) i / m * q) {
                return p[i - 1];
            }
        }
        return -1;
    }
}
