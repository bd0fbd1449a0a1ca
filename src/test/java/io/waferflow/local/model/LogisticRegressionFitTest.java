package io.waferflow.local.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class LogisticRegressionFitTest {

    private static final double[] TRUE = {0.5, 1.5, -1.0};

    /**
     * Data drawn from a known logistic model: the maximum-likelihood fit recovers its coefficients within 4 standard
     * errors, the standard errors computed here from the Fisher information at the true coefficients (sum of p (1 - p)
     * x xᵀ), so the tolerance shrinks as 1/√n.
     */
    @Test
    void recoversTheCoefficientsOfAKnownModel() {
        int n = 20_000;
        Random random = new Random(7);
        double[][] x = new double[n][2];
        boolean[] y = new boolean[n];
        double[][] fisher = new double[3][3];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = random.nextGaussian();
            double p = 1 / (1 + Math.exp(-(TRUE[0] + TRUE[1] * x[i][0] + TRUE[2] * x[i][1])));
            y[i] = random.nextDouble() < p;
            double[] row = {1, x[i][0], x[i][1]};
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    fisher[a][b] += p * (1 - p) * row[a] * row[b];
                }
            }
        }
        RealMatrix covariance = new LUDecomposition(new Array2DRowRealMatrix(fisher))
                .getSolver()
                .getInverse();

        double[] fitted = LogisticRegressionFit.fit(x, y, 0);

        for (int j = 0; j < 3; j++) {
            double standardError = Math.sqrt(covariance.getEntry(j, j));
            assertThat(fitted[j]).as("coefficient %d", j).isCloseTo(TRUE[j], within(4 * standardError));
        }
    }

    /** At the fit the gradient of the penalized likelihood vanishes: checked against central differences. */
    @Test
    void penalizedFitIsAStationaryPointOfTheObjective() {
        Random random = new Random(3);
        int n = 500;
        double[][] x = new double[n][1];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            y[i] = x[i][0] > 0; // separable: without the penalty there is no maximum
        }
        double l2 = 0.5;
        double[] b = LogisticRegressionFit.fit(x, y, l2);
        assertThat(b[1]).isPositive().isLessThan(1e3);
        double h = 1e-5;
        for (int j = 0; j < b.length; j++) {
            double[] up = b.clone();
            double[] down = b.clone();
            up[j] += h;
            down[j] -= h;
            double slope = (LogisticRegressionFit.negativeLogLikelihood(x, y, up, l2)
                            - LogisticRegressionFit.negativeLogLikelihood(x, y, down, l2))
                    / (2 * h);
            assertThat(slope).as("d/db%d", j).isCloseTo(0, within(1e-3));
        }
    }
}
