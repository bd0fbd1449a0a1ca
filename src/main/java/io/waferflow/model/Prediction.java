package io.waferflow.model;

/**
 * One prediction a model made, as read from the predictions topic (SPEC 3 {@code monitor}): which model version, about
 * which entity (a wafer or a device), at which event time, what it predicted, and the input feature values it used. A
 * classification sets {@link #predictedClass} (and {@link #score} when the model gives one); a regression sets
 * {@link #value}. A Flink POJO (the inputs are two parallel arrays: a map would fall back to Kryo).
 */
public class Prediction {

    public String predictionId;
    public String model;
    public String modelVersion;
    /** What the prediction is about: a wafer id or a device id. */
    public String entity;
    /** Event time of the prediction (epoch millis): the metrics window it counts in. */
    public long eventTime;
    /** Classification: the predicted class; null for a regression. */
    public String predictedClass;
    /** Classification: the model's score (probability) of the predicted class; NaN when not given. */
    public double score = Double.NaN;
    /** Regression: the predicted number; NaN for a classification. */
    public double value = Double.NaN;
    /** Names of the input features the model used, in the order of {@link #featureValues}. */
    public String[] featureNames = new String[0];
    /** The input feature values (NaN for a null input). */
    public double[] featureValues = new double[0];
    /** When the prediction entered the pipeline (the Kafka record timestamp). */
    public long observedAt;

    public Prediction() {}

    public boolean isClassification() {
        return predictedClass != null;
    }

    /** The key metrics, drift and alerts are kept under: {@code model/version}. */
    public String modelKey() {
        return modelKey(model, modelVersion);
    }

    public static String modelKey(String model, String modelVersion) {
        return model + "/" + modelVersion;
    }

    @Override
    public String toString() {
        return predictionId + " " + modelKey() + " " + entity + "@" + eventTime + " -> "
                + (isClassification() ? predictedClass : String.valueOf(value));
    }
}
