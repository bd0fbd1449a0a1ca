package io.waferflow.alerts;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import java.util.Locale;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A model version's concept-drift metric (feature {@code <modelKey>:prediction}: its predictions against their
 * reference) as an observation of {@code model:<modelKey>:concept_drift}: held on a moderate or drift verdict, clear on
 * stable; no observation without a verdict (insufficient data) or for input-drift metrics. P2, as a single drifting
 * feature is (SPEC 5); the policy escalates it if it lasts. Stateless.
 */
public class ConceptDriftSignals implements FlatMapFunction<DriftMetric, AlertSignal> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(DriftMetric m, Collector<AlertSignal> out) {
        if (!ModelFindings.isConceptDrift(m.feature)
                || m.verdict == null
                || m.verdict == DriftVerdict.INSUFFICIENT_DATA) {
            return;
        }
        String modelKey = ModelFindings.modelKeyOf(m.feature);
        Alert a = new Alert();
        a.type = ModelFindings.CONCEPT_DRIFT;
        a.key = ModelFindings.conceptDriftKey(modelKey);
        a.subject = modelKey;
        a.severity = AlertSeverity.P2;
        DriftSignals.withStatistics(a, m);
        a.windowStart = m.windowStart;
        a.windowEnd = m.windowEnd;
        a.title = String.format(
                Locale.ROOT,
                "%s predictions drifting: %s, PSI %.3f, KS D %.3f",
                modelKey,
                m.verdict.label(),
                m.psi,
                m.ksD);
        a.message = String.format(
                Locale.ROOT,
                "%s: predictions (score or value) mean %.4g now vs %.4g in the reference; PSI %.3f; KS D %.4f, "
                        + "p %.3g beyond sketch error; %d predictions vs %d in the reference",
                modelKey,
                m.currentMean,
                m.baselineMean,
                m.psi,
                m.ksD,
                m.ksPValueConservative,
                m.nCurrent,
                m.nBaseline);
        boolean active = m.verdict == DriftVerdict.MODERATE || m.verdict == DriftVerdict.DRIFT;
        out.collect(ModelFindings.signal(a, active));
    }
}
