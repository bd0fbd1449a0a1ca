package io.waferflow.model;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON of the monitor job's topics (docs/monitoring.md): field names of predictions and actuals, read by the
 * sources' parser, and a parsed {@link Prediction} or {@link Actual} written back as an input message, so a record
 * quarantined after parsing (a duplicate, an orphan) can be replayed into its topic.
 */
public final class MonitorJson {

    public static final String PREDICTION_ID = "prediction_id";
    public static final String MODEL = "model";
    public static final String MODEL_VERSION = "model_version";
    public static final String ENTITY = "entity";
    public static final String EVENT_TIME = "event_time";
    public static final String PREDICTION = "prediction";
    public static final String SCORE = "score";
    public static final String FEATURES = "features";
    public static final String ACTUAL = "actual";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MonitorJson() {}

    /** A prediction as its topic's message; event time as epoch millis, NaN inputs as null. */
    public static byte[] toJson(Prediction p) {
        ObjectNode o = JSON.createObjectNode();
        o.put(PREDICTION_ID, p.predictionId);
        o.put(MODEL, p.model);
        o.put(MODEL_VERSION, p.modelVersion);
        o.put(ENTITY, p.entity);
        o.put(EVENT_TIME, p.eventTime);
        if (p.isClassification()) {
            o.put(PREDICTION, p.predictedClass);
        } else {
            o.put(PREDICTION, p.value);
        }
        if (!Double.isNaN(p.score)) {
            o.put(SCORE, p.score);
        }
        if (p.featureNames.length > 0) {
            ObjectNode features = o.putObject(FEATURES);
            for (int i = 0; i < p.featureNames.length; i++) {
                double v = p.featureValues[i];
                if (Double.isNaN(v)) {
                    features.putNull(p.featureNames[i]);
                } else {
                    features.put(p.featureNames[i], v);
                }
            }
        }
        return bytes(o);
    }

    /** An actual as its topic's message. */
    public static byte[] toJson(Actual a) {
        ObjectNode o = JSON.createObjectNode();
        o.put(PREDICTION_ID, a.predictionId);
        if (a.actualClass != null) {
            o.put(ACTUAL, a.actualClass);
        } else {
            o.put(ACTUAL, a.actualValue);
        }
        o.put(EVENT_TIME, a.eventTime);
        return bytes(o);
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }
}
