package io.waferflow.monitor;

import io.waferflow.model.Actual;
import io.waferflow.model.Prediction;

/** Predictions and actuals for the monitor's tests. */
final class MonitorRecords {

    static final String MODEL = "yield_class";

    private MonitorRecords() {}

    static Prediction classification(String id, long time, String predicted) {
        Prediction p = base(id, time);
        p.predictedClass = predicted;
        p.score = 0.8;
        return p;
    }

    static Prediction regression(String id, long time, double value) {
        Prediction p = base(id, time);
        p.model = "yield_pct";
        p.value = value;
        return p;
    }

    static Actual actual(String id, long time, String actual) {
        Actual a = new Actual();
        a.predictionId = id;
        a.eventTime = time;
        a.observedAt = time;
        a.actualClass = actual;
        return a;
    }

    static Actual actual(String id, long time, double actual) {
        Actual a = new Actual();
        a.predictionId = id;
        a.eventTime = time;
        a.observedAt = time;
        a.actualValue = actual;
        return a;
    }

    private static Prediction base(String id, long time) {
        Prediction p = new Prediction();
        p.predictionId = id;
        p.model = MODEL;
        p.modelVersion = "1";
        p.entity = "W-" + id;
        p.eventTime = time;
        p.observedAt = time;
        p.featureNames = new String[] {"vdd_mean"};
        p.featureValues = new double[] {1.2};
        return p;
    }
}
