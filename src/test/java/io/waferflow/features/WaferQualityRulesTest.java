package io.waferflow.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Severity;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WaferQualityRulesTest {

    private final WaferQualityRules rules = new WaferQualityRules(List.of("vdd", "idd"), 0.05, 0.10, 0.5);

    private static WaferFeatures row(double vddFlagged, double iddFlagged, double devicesFlaggedPct) {
        WaferFeatures f = new WaferFeatures();
        f.waferId = "W7";
        f.lotId = "L1";
        f.windowStart = 0;
        f.windowEnd = 300_000;
        f.deviceCount = 200;
        f.flaggedRate = new double[] {vddFlagged, iddFlagged};
        f.devicesFlaggedPct = devicesFlaggedPct;
        f.quarantineRate = 0.0;
        return f;
    }

    /** The events of one row, from the operator as the job runs it; they are also counted in quality_events. */
    private List<QualityEvent> judge(WaferFeatures f) throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(rules))) {
            h.open();
            h.processElement(new StreamRecord<>(f));
            List<QualityEvent> out = new ArrayList<>(h.extractOutputValues());
            assertThat(h.getEnvironment()
                            .getAccumulatorRegistry()
                            .getUserMap()
                            .get(PipelineCounter.QUALITY_EVENTS)
                            .getLocalValue())
                    .as("quality_events")
                    .isEqualTo((long) out.size());
            return out;
        }
    }

    @Test
    void aParameterOutOfRangeOnMoreThanFivePercentOfDevicesIsAHighEvent() throws Exception {
        List<QualityEvent> events = judge(row(0.06, 0.05, 6.0));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type).isEqualTo(QualityEvent.RANGE_VIOLATIONS);
            assertThat(e.severity).isEqualTo(Severity.HIGH);
            assertThat(e.field).isEqualTo("vdd");
            assertThat(e.rate).isCloseTo(0.06, within(1e-12));
            assertThat(e.message).contains("6.0 % of 200 devices of wafer W7 have vdd out of range");
        });
    }

    @Test
    void moreThanTenPercentOfDevicesFlaggedRejectsTheWafer() throws Exception {
        assertThat(judge(row(0.0, 0.0, 10.0))).as("at the limit").isEmpty();
        assertThat(judge(row(0.08, 0.04, 10.5)))
                .extracting(e -> e.type + ":" + e.field)
                .containsExactlyInAnyOrder("range_violations:vdd", "wafer_rejected:");
    }

    @Test
    void aWindowWithMostRecordsQuarantinedIsCritical() throws Exception {
        WaferFeatures half = row(0.0, 0.0, 0.0);
        half.quarantineRate = 0.5;
        assertThat(judge(half)).as("at the limit").isEmpty();
        WaferFeatures most = row(0.0, 0.0, 0.0);
        most.quarantineRate = 0.8;
        most.deviceCount = 40;
        assertThat(judge(most)).singleElement().satisfies(e -> {
            assertThat(e.type).isEqualTo(QualityEvent.WAFER_QUARANTINED);
            assertThat(e.severity).isEqualTo(Severity.CRITICAL);
            assertThat(e.rate).isEqualTo(0.8);
            assertThat(e.message).contains("80.0 % of wafer W7's records");
        });
    }
}
