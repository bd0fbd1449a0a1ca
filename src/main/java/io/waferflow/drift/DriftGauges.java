package io.waferflow.drift;

import io.waferflow.metrics.PipelineCounter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The latest drift result per feature as Flink gauges, one metric group per feature ({@code waferflow.feature.<name>};
 * the Prometheus reporter turns the name into a {@code feature} label): {@code drift_verdict} (0 insufficient data, 1
 * stable, 2 moderate, 3 drift — the {@code DriftVerdict} order), {@code drift_psi} and {@code drift_ks_d}. A drift
 * group's gauges are in a subgroup {@code drift_group.<field>=<value>} of its feature's (a {@code drift_group} label).
 * Not state: after a restore a feature's gauges appear with its next judged window.
 */
public final class DriftGauges {

    /** The user-group key whose value is the feature's name (a label in Prometheus). */
    public static final String FEATURE = "feature";
    /** The user-group key whose value is the drift group, {@code tester_id=T07}. */
    public static final String DRIFT_GROUP = "drift_group";

    public static final String VERDICT = "drift_verdict";
    public static final String PSI = "drift_psi";
    public static final String KS_D = "drift_ks_d";

    private final MetricGroup group;
    /** Written by the task thread, read by the metric reporters' threads. */
    private final Map<String, DriftMetric> latest = new ConcurrentHashMap<>();

    public DriftGauges(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup(PipelineCounter.GROUP);
    }

    public void update(DriftMetric m) {
        String name = m.driftGroup == null ? m.feature : m.feature + "@" + m.driftGroup;
        if (latest.put(name, m) == null) {
            MetricGroup feature = group.addGroup(FEATURE, m.feature);
            if (m.driftGroup != null) {
                feature = feature.addGroup(DRIFT_GROUP, m.driftGroup);
            }
            feature.gauge(
                    VERDICT, (Gauge<Integer>) () -> latest.get(name).verdict.ordinal());
            feature.gauge(PSI, (Gauge<Double>) () -> latest.get(name).psi);
            feature.gauge(KS_D, (Gauge<Double>) () -> latest.get(name).ksD);
        }
    }
}
