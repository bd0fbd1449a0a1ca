package io.waferflow.monitor;

import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.ModelMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The newest window's metrics per model version as Flink gauges, one metric group per model version
 * ({@code waferflow.model.<model/version>}; the Prometheus reporter turns it into a {@code model} label):
 * {@code accuracy} and {@code estimated_accuracy} (classification), {@code mae} (regression), {@code label_coverage}
 * and {@code predictions}. A revision of the newest window updates them; a revision of an older window does not. Not
 * state: after a restore a model's gauges appear with its next emission.
 */
public final class ModelGauges {

    /** The user-group key whose value is the model key (a label in Prometheus). */
    public static final String MODEL = "model";

    public static final String ACCURACY = "accuracy";
    public static final String ESTIMATED_ACCURACY = "estimated_accuracy";
    public static final String MAE = "mae";
    public static final String LABEL_COVERAGE = "label_coverage";
    public static final String PREDICTIONS = "predictions";

    private final MetricGroup group;
    /** Written by the task thread, read by the metric reporters' threads. */
    private final Map<String, ModelMetrics> latest = new ConcurrentHashMap<>();

    public ModelGauges(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup(PipelineCounter.GROUP);
    }

    public void update(ModelMetrics m) {
        String key = m.modelKey();
        ModelMetrics before = latest.get(key);
        if (before != null && before.windowEnd > m.windowEnd) {
            return;
        }
        latest.put(key, m);
        if (before == null) {
            MetricGroup model = group.addGroup(MODEL, key);
            model.gauge(ACCURACY, (Gauge<Double>) () -> latest.get(key).accuracy);
            model.gauge(ESTIMATED_ACCURACY, (Gauge<Double>) () -> latest.get(key).estimatedAccuracy);
            model.gauge(MAE, (Gauge<Double>) () -> latest.get(key).mae);
            model.gauge(LABEL_COVERAGE, (Gauge<Double>) () -> latest.get(key).labelCoverage);
            model.gauge(PREDICTIONS, (Gauge<Long>) () -> latest.get(key).predictions);
        }
    }
}
