package io.waferflow.ingest;

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
 * Carries the event-time watermark across a restore. Flink does not checkpoint watermarks: after a failover or a
 * restore from a savepoint every operator starts at "no watermark" until each source subtask has produced one
 * again, and in that gap a record far older than the job's progress is not late: it would reopen a window that
 * was final (and written) long before, and write it again. This pass-through operator, right after the source,
 * keeps the watermark it last forwarded in union operator state; after a restore it starts from the lowest one
 * of all subtasks (the job's watermark at the snapshot) and never forwards a lower one, so lateness is judged as
 * in a run that never stopped.
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
        state = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(STATE_NAME, Types.LONG));
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
