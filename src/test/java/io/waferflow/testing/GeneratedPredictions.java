package io.waferflow.testing;

import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;

/** Predictions as the join emits them, built by tests of the model monitoring stages. */
public final class GeneratedPredictions {

    private GeneratedPredictions() {}

    /** A classification of {@code model/version} at {@code eventTime}: class "low", the given score and inputs. */
    public static Prediction classification(
            String model, String version, String id, long eventTime, double score, String[] names, double[] values) {
        Prediction p = new Prediction();
        p.predictionId = model + "/" + version + "/" + id;
        p.model = model;
        p.modelVersion = version;
        p.entity = id;
        p.eventTime = eventTime;
        p.observedAt = eventTime;
        p.predictedClass = "low";
        p.score = score;
        p.featureNames = names.clone();
        p.featureValues = values.clone();
        return p;
    }

    /** The join's first emission of a prediction (no actual yet). */
    public static LabeledPrediction unlabeled(Prediction p) {
        return new LabeledPrediction(p, null);
    }

    /** The join's second emission: the prediction with its actual. */
    public static LabeledPrediction labeled(Prediction p) {
        Actual a = new Actual();
        a.predictionId = p.predictionId;
        a.actualClass = "high";
        a.eventTime = p.eventTime + 3_600_000;
        a.observedAt = a.eventTime;
        return new LabeledPrediction(p, a);
    }
}
