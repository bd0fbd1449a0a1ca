package io.waferflow.testing;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Flink's FailingSource pattern as a pass-through map: on the first attempt, subtask 0 (or any subtask, see
 * {@link #onAnySubtask()}) throws on the first record it sees after a checkpoint has completed, once. {@link #FAILED}
 * lets the test check that the failure really happened (a fault test whose fault never fired proves nothing), and
 * {@link #FAILED_ON} holds the record it failed on: a record after every completed checkpoint's barrier, so the
 * restarted job must deliver it again, exactly once.
 */
public class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    public static final AtomicBoolean FAILED = new AtomicBoolean();
    public static final AtomicReference<Object> FAILED_ON = new AtomicReference<>();

    private final boolean anySubtask;
    private transient boolean checkpointCompleted;

    public FailOnceAfterCheckpoint() {
        this(false);
    }

    private FailOnceAfterCheckpoint(boolean anySubtask) {
        this.anySubtask = anySubtask;
    }

    /** Fails on whichever subtask first sees a record after a completed checkpoint (for keyed, sparse streams). */
    public static <T> FailOnceAfterCheckpoint<T> onAnySubtask() {
        return new FailOnceAfterCheckpoint<>(true);
    }

    /** Resets {@link #FAILED} and {@link #FAILED_ON} before a test's job. */
    public static void reset() {
        FAILED.set(false);
        FAILED_ON.set(null);
    }

    @Override
    public T map(T value) {
        if (checkpointCompleted && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && (anySubtask || getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0)
                && FAILED.compareAndSet(false, true)) {
            FAILED_ON.set(value);
            throw new IllegalStateException("injected failure after a completed checkpoint");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
    }
}
