package io.waferflow.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropDuplicatesTest {

    private static final long QUIET = 30 * 60_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, DeviceTest, DeviceTest> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DropDuplicates(QUIET, List.of("vdd"))), d -> d.waferId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static DeviceTest test(String wafer, String device, long time) {
        DeviceTest d = new DeviceTest();
        d.waferId = wafer;
        d.lotId = "L";
        d.deviceId = device;
        d.eventTime = time;
        d.passFail = 1;
        d.parameters = new double[] {1.2};
        return d;
    }

    private void send(DeviceTest d) throws Exception {
        harness.processElement(new StreamRecord<>(d, d.eventTime));
    }

    @Test
    void secondRecordOfSameDeviceAndTimeIsQuarantinedRetestsAndOtherWafersPass() throws Exception {
        send(test("W1", "D1", 1_000));
        send(test("W1", "D1", 1_000)); // duplicate
        send(test("W1", "D1", 2_000)); // retest: new event time
        send(test("W2", "D1", 1_000)); // same device name on another wafer
        assertThat(harness.extractOutputValues())
                .extracting(d ->
                        d.waferId + "/" + d.deviceId + "@" + d.eventTime + (d.quarantined ? " quarantine marker" : ""))
                .as("the duplicate goes on only as a marker for its window's quarantine rate")
                .containsExactly("W1/D1@1000", "W1/null@1000 quarantine marker", "W1/D1@2000", "W2/D1@1000");
        assertThat(harness.getSideOutput(DropDuplicates.DUPLICATES))
                .singleElement()
                .satisfies(r -> {
                    Violation v = r.getValue();
                    assertThat(v.rule).isEqualTo(Violation.RULE_DUPLICATE);
                    assertThat(v.severity).isEqualTo(Severity.HIGH);
                    assertThat(v.quarantined).isTrue();
                    assertThat(v.rawPayload).contains("\"device_id\":\"D1\"").contains("\"vdd\":1.2");
                });
    }

    @Test
    void stateAndTimersAreGoneOnceTheWaferIsQuiet() throws Exception {
        send(test("W1", "D1", 1_000));
        send(test("W1", "D2", 600_000));
        harness.processWatermark(new Watermark(600_000 + QUIET - 1));
        assertThat(harness.numKeyedStateEntries()).as("not quiet yet").isPositive();
        harness.processWatermark(new Watermark(600_000 + QUIET + 60_000));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        send(test("W1", "D1", 1_000));
        assertThat(harness.extractOutputValues())
                .as("forgotten after cleanup")
                .hasSize(3)
                .noneMatch(d -> d.quarantined);
    }
}
