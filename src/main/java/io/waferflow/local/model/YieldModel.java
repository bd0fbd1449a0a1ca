package io.waferflow.local.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's yield model: a logistic regression that predicts a wafer window's yield class ({@link #HIGH} when its
 * yield is at least {@link #thresholdYieldPct}, else {@link #LOW}) from parametric features of the window (never from
 * its yield or pass/fail counts). Inputs are standardized with the training rows' mean and standard deviation, a
 * missing input is imputed as the training mean, and each standardized input is clipped to the range the training rows
 * spanned: the model says nothing about values it never saw, so an input far outside them (a drifted Vdd, a wafer
 * written in millivolts) must not swing the prediction by extrapolation. Serialized as JSON.
 *
 * @param model the model name, as in the predictions topic
 * @param version the model version
 * @param inputs the feature names the model reads, in coefficient order
 * @param thresholdYieldPct the yield (percent) from which a window is {@link #HIGH}
 * @param mean each input's training mean
 * @param std each input's training standard deviation (1 when it was constant)
 * @param zMin each standardized input's smallest training value: the lower clip
 * @param zMax each standardized input's largest training value: the upper clip
 * @param coefficients intercept, then one slope per input, on standardized inputs
 * @param l2 the L2 penalty the fit used
 * @param trainingRows how many rows it was fitted on
 * @param trainedThrough the latest window end (epoch millis) of its training rows
 */
public record YieldModel(
        @JsonProperty("model") String model,
        @JsonProperty("version") String version,
        @JsonProperty("inputs") List<String> inputs,
        @JsonProperty("threshold_yield_pct") double thresholdYieldPct,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std,
        @JsonProperty("z_min") double[] zMin,
        @JsonProperty("z_max") double[] zMax,
        @JsonProperty("coefficients") double[] coefficients,
        @JsonProperty("l2") double l2,
        @JsonProperty("training_rows") int trainingRows,
        @JsonProperty("trained_through") long trainedThrough) {

    public static final String HIGH = "high";
    public static final String LOW = "low";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A prediction: the class and the model's probability of it. */
    public record Scored(String yieldClass, double score) {}

    /** The class a yield (percent) belongs to under {@code thresholdYieldPct}. */
    public static String yieldClass(double yieldPct, double thresholdYieldPct) {
        return yieldPct >= thresholdYieldPct ? HIGH : LOW;
    }

    /**
     * Fits the model to training rows.
     *
     * @param raw one row per window: the values of {@code inputs} in order (NaN: missing)
     * @param yieldPct each row's yield, which gives its class
     */
    public static YieldModel fit(
            String model,
            String version,
            List<String> inputs,
            double[][] raw,
            double[] yieldPct,
            double thresholdYieldPct,
            double l2,
            long trainedThrough) {
        int k = inputs.size();
        double[] mean = new double[k];
        double[] std = new double[k];
        for (int j = 0; j < k; j++) {
            int finalJ = j;
            double[] column = Arrays.stream(raw)
                    .mapToDouble(r -> r[finalJ])
                    .filter(v -> !Double.isNaN(v))
                    .toArray();
            mean[j] = column.length == 0 ? 0 : Arrays.stream(column).average().orElse(0);
            double var = Arrays.stream(column)
                    .map(v -> (v - mean[finalJ]) * (v - mean[finalJ]))
                    .sum();
            std[j] = column.length < 2 || var == 0 ? 1 : Math.sqrt(var / (column.length - 1));
        }
        double[] zMin = new double[k];
        double[] zMax = new double[k];
        Arrays.fill(zMin, Double.POSITIVE_INFINITY);
        Arrays.fill(zMax, Double.NEGATIVE_INFINITY);
        double[][] z = new double[raw.length][];
        boolean[] high = new boolean[raw.length];
        for (int i = 0; i < raw.length; i++) {
            z[i] = standardize(raw[i], mean, std);
            for (int j = 0; j < k; j++) {
                zMin[j] = Math.min(zMin[j], z[i][j]);
                zMax[j] = Math.max(zMax[j], z[i][j]);
            }
            high[i] = HIGH.equals(yieldClass(yieldPct[i], thresholdYieldPct));
        }
        double[] b = LogisticRegressionFit.fit(z, high, l2);
        return new YieldModel(
                model,
                version,
                List.copyOf(inputs),
                thresholdYieldPct,
                mean,
                std,
                zMin,
                zMax,
                b,
                l2,
                raw.length,
                trainedThrough);
    }

    /** The probability that a window with these input values (in {@link #inputs} order; NaN: missing) is high. */
    public double probabilityHigh(double[] raw) {
        double[] z = standardize(raw, mean, std);
        for (int j = 0; j < z.length; j++) {
            z[j] = Math.max(zMin[j], Math.min(zMax[j], z[j]));
        }
        return LogisticRegressionFit.probability(coefficients, z);
    }

    /** The predicted class and its probability. */
    public Scored predict(double[] raw) {
        double p = probabilityHigh(raw);
        return p >= 0.5 ? new Scored(HIGH, p) : new Scored(LOW, 1 - p);
    }

    private static double[] standardize(double[] raw, double[] mean, double[] std) {
        double[] z = new double[raw.length];
        for (int j = 0; j < raw.length; j++) {
            // A missing input counts as the training mean: it moves the prediction neither way.
            z[j] = Double.isNaN(raw[j]) ? 0 : (raw[j] - mean[j]) / std[j];
        }
        return z;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("a yield model is always serializable", e);
        }
    }

    public static YieldModel fromJson(String json) throws IOException {
        return JSON.readValue(json, YieldModel.class);
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson());
    }

    public static YieldModel read(Path file) throws IOException {
        return fromJson(Files.readString(file));
    }
}
