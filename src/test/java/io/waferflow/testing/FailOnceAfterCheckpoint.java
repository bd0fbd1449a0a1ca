package io.waferflow.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;

/**
 * Flink's FailingSource pattern as a pass-through map: on the first attempt, subtask 0 (or any subtask, see
 * {@link #onAnySubtask}) throws on the first record it sees after a checkpoint has completed, once. {@link #failedOn}
 * lets the test check that the failure really happened (a fault test whose fault never fired proves nothing) and which
 * record it hit: a record after every completed checkpoint's barrier, so the restarted job must deliver it again,
 * exactly once; {@link #awaitRestart} lets a test of a job that does not end by itself wait for the restarted attempt
 * before it stops the job. What happened is held by the test's {@link SharedObjectsExtension} (Flink's way to share an
 * object between a test and its job's tasks in the same JVM), not by a static field.
 */
public class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    private final SharedReference<AtomicReference<Object>> failedOn;
    private final SharedReference<AtomicBoolean> restarted;
    private final boolean anySubtask;
    private transient boolean checkpointCompleted;

    private FailOnceAfterCheckpoint(SharedObjectsExtension shared, boolean anySubtask) {
        this.failedOn = shared.add(new AtomicReference<>());
        this.restarted = shared.add(new AtomicBoolean());
        this.anySubtask = anySubtask;
    }

    /** Fails subtask 0 on the first record it sees after a completed checkpoint. */
    public static <T> FailOnceAfterCheckpoint<T> onSubtaskZero(SharedObjectsExtension shared) {
        return new FailOnceAfterCheckpoint<>(shared, false);
    }

    /** Fails on whichever subtask first sees a record after a completed checkpoint (for keyed, sparse streams). */
    public static <T> FailOnceAfterCheckpoint<T> onAnySubtask(SharedObjectsExtension shared) {
        return new FailOnceAfterCheckpoint<>(shared, true);
    }

    /** The record the failure was thrown on; null if it never was. */
    public Object failedOn() {
        return failedOn.get().get();
    }

    /**
     * Waits until the failure has happened and a subtask of this map runs again in a later attempt, for at most
     * {@code timeout}. In a job whose tasks form one pipelined region (the features job: every source reaches the keyed
     * windows) all tasks restart together, so from then on the job's accumulators are the restarted attempt's.
     */
    public void awaitRestart(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!restarted.get().get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no restart after the injected failure within " + timeout + ": failed on " + failedOn());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void open(OpenContext context) {
        if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
            restarted.get().set(true);
        }
    }

    @Override
    public T map(T value) {
        if (checkpointCompleted
                && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && (anySubtask || getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0)
                && failedOn.get().compareAndSet(null, value)) {
            throw new IllegalStateException("injected failure after a completed checkpoint");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
    }
}
