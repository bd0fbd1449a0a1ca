package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.testing.TestModelMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Only a model's prediction drift metric is an observation: held on moderate or drift, clear on stable, none else. */
class ConceptDriftSignalsTest {

    private static List<AlertSignal> signals(DriftMetric m) {
        List<AlertSignal> out = new ArrayList<>();
        new ConceptDriftSignals().flatMap(m, new Collector<>() {
            @Override
            public void collect(AlertSignal s) {
                out.add(s);
            }

            @Override
            public void close() {}
        });
        return out;
    }

    private static DriftMetric metric(String input, DriftVerdict verdict) {
        return TestModelMetrics.drift("yield_class/1", input, 0, 900_000, verdict, 0.3, 0.8, 0.6);
    }

    @Test
    void verdictsMapToObservations() {
        assertThat(signals(metric("prediction", DriftVerdict.DRIFT)).get(0).active)
                .isTrue();
        assertThat(signals(metric("prediction", DriftVerdict.MODERATE)).get(0).active)
                .isTrue();
        assertThat(signals(metric("prediction", DriftVerdict.STABLE)).get(0).active)
                .isFalse();
        assertThat(signals(metric("prediction", DriftVerdict.INSUFFICIENT_DATA)))
                .isEmpty();
        assertThat(signals(metric("vdd_mean", DriftVerdict.DRIFT))).isEmpty();
        AlertSignal s = signals(metric("prediction", DriftVerdict.DRIFT)).get(0);
        assertThat(s.key).isEqualTo("model:yield_class/1:concept_drift");
        assertThat(s.policy).isEqualTo("model");
        assertThat(s.windowEnd).isEqualTo(900_000);
        assertThat(s.context.type).isEqualTo("concept_drift");
        assertThat(s.context.subject).isEqualTo("yield_class/1");
        assertThat(s.context.severity).isEqualTo(AlertSeverity.P2);
        assertThat(s.context.psi).isEqualTo(0.3);
    }
}
