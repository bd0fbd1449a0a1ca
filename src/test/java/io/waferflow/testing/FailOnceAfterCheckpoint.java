package io.waferflow.testing;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Flink's FailingSource pattern as a pass-through map: on the first attempt, subtask 0 throws on the first record
 * it sees after a checkpoint has completed, once. {@link #FAILED} lets the test check that the failure really
 * happened (a fault test whose fault never fired proves nothing).
 */
public class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final AtomicBoolean FAILED = new AtomicBoolean();

    private transient boolean checkpointCompleted;

    @Override
    public T map(T value) {
        if (checkpointCompleted && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure after a completed checkpoint");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
    }
}
