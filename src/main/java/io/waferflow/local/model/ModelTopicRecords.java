package io.waferflow.local.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The demo's records on the predictions and actuals topics (docs/monitoring.md has the contract), keyed by prediction
 * id. One prediction per final wafer window: its id is {@code <model>/<version>/<wafer>/<window end, epoch millis>},
 * e.g. {@code yield_class/1/WT01-000-01/1764806400000}, so the prediction publisher (which reads the window from the
 * served row) and the traffic generator (which knows the window of each test it generated) name the same window alike.
 */
public final class ModelTopicRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelTopicRecords() {}

    public static String predictionId(String model, String version, String waferId, long windowEnd) {
        return model + "/" + version + "/" + waferId + "/" + windowEnd;
    }

    /**
     * A prediction: about wafer {@code waferId} at event time {@code windowEnd}, with the model's inputs as it used
     * them (a missing one as null).
     */
    public static byte[] prediction(
            YieldModel model, String waferId, long windowEnd, YieldModel.Scored scored, double[] inputs) {
        ObjectNode p = JSON.createObjectNode();
        p.put("prediction_id", predictionId(model.model(), model.version(), waferId, windowEnd));
        p.put("model", model.model());
        p.put("model_version", model.version());
        p.put("entity", waferId);
        p.put("event_time", Instant.ofEpochMilli(windowEnd).toString());
        p.put("prediction", scored.yieldClass());
        p.put("score", scored.score());
        ObjectNode features = p.putObject("features");
        List<String> names = model.inputs();
        for (int j = 0; j < names.size(); j++) {
            if (Double.isNaN(inputs[j])) {
                features.putNull(names.get(j));
            } else {
                features.put(names.get(j), inputs[j]);
            }
        }
        return bytes(p);
    }

    /** An actual: the class that prediction {@code predictionId} should have given, known at {@code eventTime}. */
    public static byte[] actual(String predictionId, String actualClass, long eventTime) {
        ObjectNode a = JSON.createObjectNode();
        a.put("prediction_id", predictionId);
        a.put("actual", actualClass);
        a.put("event_time", Instant.ofEpochMilli(eventTime).toString());
        return bytes(a);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always serializable", e);
        }
    }
}
