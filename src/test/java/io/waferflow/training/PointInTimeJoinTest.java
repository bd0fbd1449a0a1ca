package io.waferflow.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.model.TrainingEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link PointInTimeJoin} fed as batch execution feeds it (per key, by {@link TrainingEvent#sortTime}): the statuses,
 * and the bound on what {@code --as-of available} keeps.
 */
class PointInTimeJoinTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainingEvent, TrainingRow> harness(
            AsOf asOf, long maxAge) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, TrainingEvent, TrainingRow> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PointInTimeJoin(1, asOf, maxAge)), e -> e.entity, Types.STRING);
        h.open();
        return h;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, TrainingEvent, TrainingRow> h, TrainingEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.sortTime()));
    }

    private static TrainingEvent row(long windowEnd, int revision, long writtenAt, double value) {
        return TrainingEvent.featureRow("W", 0, windowEnd, revision, writtenAt, new double[] {value});
    }

    private static TrainingEvent label(long time) {
        return TrainingEvent.label("W", time, new String[0]);
    }

    @Test
    void theLatestWindowEndedBeforeTheLabelWithinMaxAge() throws Exception {
        var h = harness(AsOf.WINDOW_END, 100);
        feed(h, label(10)); // nothing yet
        feed(h, row(50, 1, 60, 2.0)); // arrives before row(50, 0): the sort is not stable, the revision decides
        feed(h, row(50, 0, 55, 1.0));
        feed(h, label(100)); // 100 − 50 ≤ 100
        feed(h, label(151)); // 151 − 50 > 100
        List<TrainingRow> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.status(0))
                .containsExactly(JoinStatus.NO_ROW, JoinStatus.OK, JoinStatus.TOO_OLD);
        assertThat(out.get(1).values[0]).containsExactly(2.0);
        assertThat(out.get(1).windowEnds[0]).isEqualTo(50);
        assertThat(out.get(2).values[0]).isNull();
        h.close();
    }

    @Test
    void availableKeepsOnlyRowsALaterLabelCouldStillUse() throws Exception {
        var h = harness(AsOf.AVAILABLE, -1);
        feed(h, row(10, 0, 500, 1.0)); // written late
        feed(h, row(20, 0, 300, 2.0)); // newer and written earlier: row(10) can never be the best available one
        feed(h, row(30, 0, 400, 3.0)); // newer but written later: both kept
        JoinState s = stateOfW(h);
        assertThat(s.pending[0]).extracting(e -> e.time).containsExactly(20L, 30L);
        feed(h, label(35)); // none written by 35
        feed(h, label(350)); // row(20) written at 300
        feed(h, label(450)); // row(30) written at 400
        List<TrainingRow> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.status(0))
                .containsExactly(JoinStatus.NOT_AVAILABLE_YET, JoinStatus.OK, JoinStatus.OK);
        assertThat(out.get(1).values[0]).containsExactly(2.0);
        assertThat(out.get(2).values[0]).containsExactly(3.0);
        assertThat(stateOfW(h).pending[0])
                .as("nothing pending once all is available")
                .isEmpty();
        h.close();
    }

    private static JoinState stateOfW(KeyedOneInputStreamOperatorTestHarness<String, TrainingEvent, TrainingRow> h)
            throws Exception {
        @SuppressWarnings("unchecked")
        KeyedProcessOperator<String, TrainingEvent, TrainingRow> op =
                (KeyedProcessOperator<String, TrainingEvent, TrainingRow>) h.getOperator();
        op.setCurrentKey("W");
        return op.<String>getKeyedStateBackend()
                .getPartitionedState(
                        org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        PointInTimeJoin.stateDescriptor())
                .value();
    }
}
