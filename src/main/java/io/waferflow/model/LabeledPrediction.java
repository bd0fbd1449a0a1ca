package io.waferflow.model;

/**
 * What the prediction join emits, keyed by prediction id: once when a prediction arrives ({@link #actual} null: it
 * counts in its window's predictions and prediction distribution at once), and once more when its actual is joined
 * ({@link #actual} set: it counts in the window's accuracy or error, however late). A Flink POJO.
 */
public class LabeledPrediction {

    public Prediction prediction;
    /** Null on the emission at prediction time; the joined actual on the second one. */
    public Actual actual;

    public LabeledPrediction() {}

    public LabeledPrediction(Prediction prediction, Actual actual) {
        this.prediction = prediction;
        this.actual = actual;
    }

    public boolean labeled() {
        return actual != null;
    }

    @Override
    public String toString() {
        return prediction + (actual == null ? " (unlabeled)" : " / " + actual);
    }
}
