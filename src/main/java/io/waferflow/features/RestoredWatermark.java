package io.waferflow.features;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The lateness floor of the wafer windows, kept across restores. Flink does not checkpoint watermarks: after a failover
 * or a restore from a savepoint every operator starts at "no watermark" until each upstream subtask has sent one again,
 * and in that gap a record far older than the job's progress is not late: it would reopen a window that was final (and
 * written) long before, and write it again.
 *
 * <p>This pass-through operator sits in the keyed stage, chained in front of the window operator (after the keyBy, not
 * at the source): it keeps the watermark it last forwarded in union operator state, and after a restore emits the
 * lowest of all subtasks' values (with aligned checkpoints they are equal: the job's watermark at the snapshot) from
 * {@link #open}, before the task reads its first record, and never forwards a lower one. The window operator therefore
 * judges every record after a restore against at least that floor, whatever order the input channels' watermarks and
 * records arrive in: a record for a window that was final at the snapshot goes to {@code too_late}, deterministically.
 * (At the source, each subtask's restored watermark raced the other subtasks' records to the keyed operators, which
 * take the lowest watermark of their channels.)
 *
 * <p>State: one long per subtask (union list state named {@link #STATE_NAME}); no keyed state. Its uid is the one the
 * source-side operator of release 0.1.0 had, so savepoints of that release restore their watermark into it.
 */
public class RestoredWatermark<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "watermark";

    private transient ListState<Long> state;
    private transient long restored;
    private transient long forwarded;
    private transient boolean restoredSent;
    private transient long lastRealWatermark;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(STATE_NAME, Types.LONG));
        restored = Long.MIN_VALUE;
        if (context.isRestored()) {
            long lowest = Long.MAX_VALUE;
            for (Long w : state.get()) {
                lowest = Math.min(lowest, w);
            }
            restored = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
        }
        forwarded = Long.MIN_VALUE;
        lastRealWatermark = restored;
        restoredSent = restored == Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        // Before any record, on every subtask: downstream takes the lowest watermark of its inputs, so one subtask
        // still waiting for its first record would otherwise hold the whole job at "no watermark".
        sendRestored();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.update(java.util.List.of(Math.max(eventTimeWatermark(), restored)));
    }

    /**
     * The watermark to keep: never the end-of-input one ({@code Long.MAX_VALUE}, sent when a job is drained with
     * stop-with-savepoint), which would make every record after a restore late; the last real one instead.
     */
    private long eventTimeWatermark() {
        return forwarded == Long.MAX_VALUE ? lastRealWatermark : forwarded;
    }

    private void sendRestored() {
        if (!restoredSent) {
            restoredSent = true;
            forwarded = restored;
            output.emitWatermark(new Watermark(restored));
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        sendRestored();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendRestored();
        if (mark.getTimestamp() > forwarded) {
            forwarded = mark.getTimestamp();
            if (forwarded != Long.MAX_VALUE) {
                lastRealWatermark = forwarded;
            }
            super.processWatermark(mark);
        }
    }
}
