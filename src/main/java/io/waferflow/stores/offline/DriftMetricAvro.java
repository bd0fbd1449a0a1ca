package io.waferflow.stores.offline;

import io.waferflow.drift.DriftMetric;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The drift-metric row: one feature, one drift window, its statistics and verdict (NaN where undefined). */
public final class DriftMetricAvro implements AvroRowConverter<DriftMetric> {

    private static final long serialVersionUID = 1L;

    public Schema schema() {
        return SchemaBuilder.record("drift_metric").namespace("io.waferflow.drift").fields()
                .requiredString("feature")
                .name("window_start").type(AvroFields.timestampMillis()).noDefault()
                .name("window_end").type(AvroFields.timestampMillis()).noDefault()
                .requiredString("baseline_id")
                .requiredString("verdict")
                .requiredLong("n_baseline")
                .requiredLong("n_current")
                .requiredDouble("baseline_mean")
                .requiredDouble("baseline_std")
                .requiredDouble("current_mean")
                .requiredDouble("current_std")
                .requiredDouble("shift_sigma")
                .requiredDouble("psi")
                .requiredDouble("ks_d")
                .requiredDouble("ks_d_lower")
                .requiredDouble("ks_p_value")
                .requiredDouble("ks_p_value_conservative")
                .requiredDouble("ks_critical")
                .requiredDouble("rank_error_baseline")
                .requiredDouble("rank_error_current")
                .requiredBoolean("exact")
                .endRecord();
    }

    @Override
    public GenericRecord convert(DriftMetric m, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("feature", m.feature);
        r.put("window_start", m.windowStart);
        r.put("window_end", m.windowEnd);
        r.put("baseline_id", m.baselineId == null ? "" : m.baselineId);
        r.put("verdict", m.verdict.label());
        r.put("n_baseline", m.nBaseline);
        r.put("n_current", m.nCurrent);
        r.put("baseline_mean", m.baselineMean);
        r.put("baseline_std", m.baselineStd);
        r.put("current_mean", m.currentMean);
        r.put("current_std", m.currentStd);
        r.put("shift_sigma", m.shiftSigma);
        r.put("psi", m.psi);
        r.put("ks_d", m.ksD);
        r.put("ks_d_lower", m.ksDLower);
        r.put("ks_p_value", m.ksPValue);
        r.put("ks_p_value_conservative", m.ksPValueConservative);
        r.put("ks_critical", m.ksCritical);
        r.put("rank_error_baseline", m.rankErrorBaseline);
        r.put("rank_error_current", m.rankErrorCurrent);
        r.put("exact", m.exact);
        return r;
    }
}
