package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The step-up rule on hand-checked examples. */
class BenjaminiHochbergTest {

    @Test
    void rejectsUpToTheLargestPValueUnderItsLine() {
        // m = 5, q = 0.05: lines 0.01, 0.02, 0.03, 0.04, 0.05. Sorted p: 0.001 ≤ 0.01, 0.012 ≤ 0.02, 0.035 > 0.03,
        // 0.039 ≤ 0.04 (the largest under its line), 0.2 > 0.05: reject the four p-values up to 0.039.
        double threshold = BenjaminiHochberg.threshold(new double[] {0.2, 0.039, 0.001, 0.035, 0.012}, 0.05);
        assertThat(threshold).isEqualTo(0.039);
    }

    @Test
    void nothingUnderTheLineRejectsNothing() {
        assertThat(BenjaminiHochberg.threshold(new double[] {0.02, 0.5, 0.9}, 0.05))
                .isEqualTo(-1);
        assertThat(BenjaminiHochberg.threshold(new double[0], 0.05)).isEqualTo(-1);
    }

    @Test
    void aLoneTestIsJudgedAtQ() {
        assertThat(BenjaminiHochberg.threshold(new double[] {0.049, Double.NaN}, 0.05))
                .isEqualTo(0.049);
        assertThat(BenjaminiHochberg.threshold(new double[] {0.051}, 0.05)).isEqualTo(-1);
    }
}
