package io.waferflow.stores.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The quarantine, quality-event and drift tables: each column as a reader of the Parquet files sees it. */
class SchemaRowsTest {

    private static <T> GenericRecord row(String table, T record) {
        SchemaRows<T> rows = SchemaRows.of(table);
        GenericRecord r = rows.convert(record, rows.schema());
        assertThat(GenericData.get().validate(r.getSchema(), r))
                .as("a valid %s row", table)
                .isTrue();
        return r;
    }

    @Test
    void aViolationRow() {
        Violation v = new Violation("range", "vdd", "9.5", "[0.9, 1.5]", Severity.HIGH);
        v.lotId = "LOT-1";
        v.waferId = "W-07";
        v.deviceId = "D-1";
        v.eventTime = null;
        v.observedAt = 1_700_000_000_123L;
        v.quarantined = true;
        v.rawPayload = "{\"vdd\": 9.5}";
        v.rawPayloadBytes = 12L;
        v.rawPayloadSha256 = "ab12";
        GenericRecord r = row("violation", v);
        assertThat(r.get("rule")).isEqualTo("range");
        assertThat(r.get("field")).isEqualTo("vdd");
        assertThat(r.get("value")).isEqualTo("9.5");
        assertThat(r.get("expected")).isEqualTo("[0.9, 1.5]");
        assertThat(r.get("severity")).isEqualTo("HIGH");
        assertThat(r.get("lot_id")).isEqualTo("LOT-1");
        assertThat(r.get("wafer_id")).isEqualTo("W-07");
        assertThat(r.get("device_id")).isEqualTo("D-1");
        assertThat(r.get("event_time")).isNull();
        assertThat(r.get("observed_at")).isEqualTo(1_700_000_000_123L);
        assertThat(r.get("quarantined")).isEqualTo(true);
        assertThat(r.get("raw_payload")).isEqualTo("{\"vdd\": 9.5}");
        assertThat(r.get("raw_payload_bytes")).isEqualTo(12L);
        assertThat(r.get("raw_payload_sha256")).isEqualTo("ab12");
    }

    @Test
    void smallNumbersKeepTheirColumnsType() {
        Violation v = new Violation("too_late", "event_time", "1", "", Severity.HIGH);
        v.eventTime = 5L;
        v.observedAt = 7L;
        GenericRecord r = row("violation", v);
        assertThat(r.get("event_time")).isInstanceOf(Long.class).isEqualTo(5L);
        assertThat(r.get("observed_at")).isInstanceOf(Long.class).isEqualTo(7L);
    }

    @Test
    void aQualityEventRow() {
        QualityEvent e = new QualityEvent();
        e.type = QualityEvent.RANGE_VIOLATIONS;
        e.severity = Severity.MEDIUM;
        e.waferId = "W-07";
        e.lotId = null;
        e.windowStart = 1_000L;
        e.windowEnd = 301_000L;
        e.field = "idd";
        e.rate = 0.125;
        e.threshold = 0.05;
        e.deviceCount = 400;
        e.message = "12.5% of idd out of range";
        GenericRecord r = row("quality_event", e);
        assertThat(r.get("type")).isEqualTo("range_violations");
        assertThat(r.get("severity")).isEqualTo("MEDIUM");
        assertThat(r.get("wafer_id")).isEqualTo("W-07");
        assertThat(r.get("lot_id")).isNull();
        assertThat(r.get("window_start")).isEqualTo(1_000L);
        assertThat(r.get("window_end")).isEqualTo(301_000L);
        assertThat(r.get("field")).isEqualTo("idd");
        assertThat(r.get("rate")).isEqualTo(0.125);
        assertThat(r.get("threshold")).isEqualTo(0.05);
        assertThat(r.get("device_count")).isEqualTo(400L);
        assertThat(r.get("message")).isEqualTo("12.5% of idd out of range");
    }

    @Test
    void aDriftMetricRowKeepsNaNAndNamesTheVerdictInLowerCase() {
        DriftMetric m = new DriftMetric();
        m.feature = "vdd_mean";
        m.windowStart = 0L;
        m.windowEnd = 3_600_000L;
        m.baselineId = null;
        m.nBaseline = 1_000;
        m.nCurrent = 3;
        m.baselineMean = 1.2;
        m.ksPValueConservative = 0.01;
        m.exact = true;
        m.verdict = DriftVerdict.INSUFFICIENT_DATA;
        GenericRecord r = row("drift_metric", m);
        assertThat(r.get("feature")).isEqualTo("vdd_mean");
        assertThat(r.get("baseline_id"))
                .as("no baseline yet: the schema's default")
                .isEqualTo("");
        assertThat(r.get("verdict")).isEqualTo("insufficient_data");
        assertThat(r.get("n_baseline")).isEqualTo(1_000L);
        assertThat(r.get("n_current")).isEqualTo(3L);
        assertThat(r.get("baseline_mean")).isEqualTo(1.2);
        assertThat((Double) r.get("psi")).isNaN();
        assertThat(r.get("ks_p_value_conservative")).isEqualTo(0.01);
        assertThat((Double) r.get("ks_d_lower")).isNaN();
        assertThat(r.get("exact")).isEqualTo(true);
        assertThat(r.get("drift_group"))
                .as("an overall metric has no drift group")
                .isNull();

        m.driftGroup = "tester_id=T07";
        assertThat(row("drift_metric", m).get("drift_group")).isEqualTo("tester_id=T07");
    }

    @Test
    void aColumnWithoutAFieldIsNamed() {
        SchemaRows<QualityEvent> rows = SchemaRows.of("violation");
        Schema violation = rows.schema();
        assertThatThrownBy(() -> rows.convert(new QualityEvent(), violation))
                .hasMessageContaining("QualityEvent has no field for column 'rule' of avro/violation.avsc");
    }
}
