package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.StoreStatus;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The P0 of an unreachable online store: fires on the first "down" report, once however many writers report it,
 * resolves on the first "up", and a "down" restored from a checkpoint is resolved by the first write of the restarted
 * writers.
 */
class StoreOutageAlertsTest {

    private static StoreStatus report(String writer, boolean up, long at, long downSince) {
        StoreStatus s = new StoreStatus();
        s.store = "online";
        s.address = "redis://127.0.0.1:6379";
        s.writer = writer;
        s.up = up;
        s.at = at;
        s.downSince = downSince;
        s.reason = up ? "" : "JedisConnectionException: Connection refused";
        return s;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreStatus, Alert> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreOutageAlerts()), s -> s.store, Types.STRING);
    }

    @Test
    void firesOnceAndResolvesOnce() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(report("writer 1/2", false, 1_000, 1_000)));
            h.processElement(new StreamRecord<>(report("writer 2/2", false, 1_400, 1_400)));
            h.processElement(new StreamRecord<>(report("writer 1/2", true, 31_000, 1_000)));
            h.processElement(new StreamRecord<>(report("writer 2/2", true, 31_200, 1_400)));
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(a -> a.status).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            Alert firing = alerts.get(0);
            assertThat(firing.severity).isEqualTo(AlertSeverity.P0);
            assertThat(firing.key).isEqualTo("pipeline:online_store_down");
            assertThat(firing.type).isEqualTo(StoreOutageAlerts.TYPE);
            assertThat(firing.message).contains("redis://127.0.0.1:6379").contains("Connection refused");
            assertThat(firing.runbook).isEqualTo(AlertGuidance.PIPELINE_HEALTH_RUNBOOK);
            assertThat(firing.recommendedActions).isNotEmpty();
            Alert resolved = alerts.get(1);
            assertThat(resolved.alertId).isEqualTo(firing.alertId);
            assertThat(resolved.notificationId).isNotEqualTo(firing.notificationId);
            assertThat(resolved.firstSeen).isEqualTo(1_000);
            assertThat(resolved.lastSeen).isEqualTo(31_000);
            assertThat(resolved.message).contains("after 30 s");
        }
    }

    @Test
    void aRestoredOutageIsResolvedByTheFirstWriteAfterTheRestart() throws Exception {
        OperatorSubtaskState down;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(report("writer 1/2", false, 1_000, 1_000)));
            down = h.snapshot(1, 2_000);
        }
        try (var h = harness()) {
            h.initializeState(down);
            h.open();
            h.processElement(new StreamRecord<>(report("writer 2/2", true, 90_000, -1)));
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.status).isEqualTo(AlertStatus.RESOLVED);
                assertThat(a.firstSeen).isEqualTo(1_000);
            });
        }
    }
}
