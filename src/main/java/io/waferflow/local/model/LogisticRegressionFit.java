package io.waferflow.local.model;

import java.util.Arrays;
import org.apache.commons.math3.optim.ConvergenceChecker;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Binary logistic regression, P(y = 1 | x) = 1 / (1 + exp(-(b0 + b·x))), fitted by maximum likelihood with Commons
 * Math's non-linear conjugate gradient optimizer (Polak-Ribière) on the analytic gradient. An optional L2 penalty
 * {@code l2 / 2 * |b|²} (never on the intercept) keeps the fit finite when the classes separate, where the plain
 * likelihood has no maximum. Inputs should be standardized: the optimizer's line search and the penalty both assume
 * comparable scales.
 */
public final class LogisticRegressionFit {

    private LogisticRegressionFit() {}

    /**
     * The coefficients {@code [b0, b1, ..., bk]} for rows {@code x} (each of length k) and labels {@code y}.
     *
     * @param l2 the penalty's weight on the sum of squared slopes (0: plain maximum likelihood)
     */
    public static double[] fit(double[][] x, boolean[] y, double l2) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(
                    "need as many labels as rows, and at least one: " + x.length + " rows, " + y.length + " labels");
        }
        int k = x[0].length;
        // Converged when the gradient vanishes (every component below 1e-7 per row): a test on the objective's change
        // stops early where the likelihood is flat, as along a nearly separating direction.
        double tolerance = 1e-7 * x.length;
        ConvergenceChecker<PointValuePair> gradientVanishes = (iteration, previous, current) ->
                Arrays.stream(gradient(x, y, current.getPoint(), l2)).allMatch(g -> Math.abs(g) < tolerance);
        NonLinearConjugateGradientOptimizer optimizer = new NonLinearConjugateGradientOptimizer(
                NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, gradientVanishes, 1e-12, 1e-12, 1e-3);
        PointValuePair best = optimizer.optimize(
                new ObjectiveFunction(b -> negativeLogLikelihood(x, y, b, l2)),
                new ObjectiveFunctionGradient(b -> gradient(x, y, b, l2)),
                GoalType.MINIMIZE,
                new InitialGuess(new double[k + 1]),
                new MaxEval(20_000),
                new MaxIter(20_000));
        return best.getPoint();
    }

    /** P(y = 1 | x) under coefficients {@code b} ({@code b[0]} the intercept). */
    public static double probability(double[] b, double[] x) {
        return sigmoid(linear(b, x));
    }

    static double negativeLogLikelihood(double[][] x, boolean[] y, double[] b, double l2) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double z = linear(b, x[i]);
            // -log P(y | x) = log(1 + e^z) - y z, computed without overflow for large |z|.
            sum += softplus(z) - (y[i] ? z : 0);
        }
        for (int j = 1; j < b.length; j++) {
            sum += 0.5 * l2 * b[j] * b[j];
        }
        return sum;
    }

    static double[] gradient(double[][] x, boolean[] y, double[] b, double l2) {
        double[] g = new double[b.length];
        for (int i = 0; i < x.length; i++) {
            double r = sigmoid(linear(b, x[i])) - (y[i] ? 1 : 0);
            g[0] += r;
            for (int j = 1; j < b.length; j++) {
                g[j] += r * x[i][j - 1];
            }
        }
        for (int j = 1; j < b.length; j++) {
            g[j] += l2 * b[j];
        }
        return g;
    }

    private static double linear(double[] b, double[] x) {
        double z = b[0];
        for (int j = 1; j < b.length; j++) {
            z += b[j] * x[j - 1];
        }
        return z;
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }
}
