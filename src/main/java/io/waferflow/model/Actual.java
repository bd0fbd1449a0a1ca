package io.waferflow.model;

/**
 * What really happened for one prediction, as read from the actuals topic: the class (classification) or number
 * (regression), joined with its {@link Prediction} by {@link #predictionId}. It may arrive before its prediction or
 * long after it. A Flink POJO.
 */
public class Actual {

    public String predictionId;
    /** Classification: the actual class; null for a regression. */
    public String actualClass;
    /** Regression: the actual number; NaN for a classification. */
    public double actualValue = Double.NaN;
    /** When the actual became known (epoch millis). */
    public long eventTime;
    /** When the actual entered the pipeline (the Kafka record timestamp). */
    public long observedAt;

    public Actual() {}

    @Override
    public String toString() {
        return predictionId + " actual " + (actualClass != null ? actualClass : String.valueOf(actualValue)) + "@"
                + eventTime;
    }
}
