package io.waferflow.lineage;

import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.utils.UUIDUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.util.ExceptionUtils;

/**
 * One run of a job, from its START event to exactly one end: COMPLETE (the job finished, or a streaming job was stopped
 * with a savepoint, its planned end), FAIL (it failed), or ABORT (it was cancelled, or the process that follows it
 * stopped while it ran: the run's end is then unknown). A run followed in detached mode ({@link #detached}) ends with
 * its START: the client is gone before the job ends.
 */
public final class LineageRun {

    /** The run tag naming the Flink job a run's events are about (carried by the end event). */
    public static final String FLINK_JOB_ID = "flink_job_id";

    private final Lineage lineage;
    private final LineageJob job;
    private final UUID runId = UUIDUtils.generateNewUUID();
    private final Map<String, String> runTags = new LinkedHashMap<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread onExit;

    LineageRun(Lineage lineage, LineageJob job) {
        this.lineage = lineage;
        this.job = job;
        this.onExit = new Thread(() -> abort("the process stopped while the job ran"), "lineage-abort-" + runId);
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    public UUID runId() {
        return runId;
    }

    public LineageJob job() {
        return job;
    }

    /** A tag of this run, carried by its end event (e.g. {@code flink_job_id} once the job is submitted). */
    public synchronized LineageRun tag(String key, String value) {
        runTags.put(key, value);
        return this;
    }

    void emitStart() {
        emit(EventType.START, null);
    }

    public void complete() {
        end(EventType.COMPLETE, null);
    }

    public void fail(Throwable error) {
        end(EventType.FAIL, error);
    }

    public void abort(String why) {
        end(EventType.ABORT, new RuntimeException(why));
    }

    /** Ends the run as a job's result says: COMPLETE without an error, ABORT if it was cancelled, else FAIL. */
    public void end(Throwable errorOrNull) {
        if (errorOrNull == null) {
            complete();
        } else if (ExceptionUtils.findThrowable(errorOrNull, JobCancellationException.class)
                .isPresent()) {
            end(EventType.ABORT, errorOrNull);
        } else {
            fail(errorOrNull);
        }
    }

    /**
     * Runs {@code body} (submitting and following the job) as this run: COMPLETE when it returns, else the end its
     * exception says ({@link #end}), rethrown.
     */
    public <T> T around(Callable<T> body) throws Exception {
        T result;
        try {
            result = body.call();
        } catch (Exception | Error e) {
            end(e);
            throw e;
        }
        complete();
        return result;
    }

    /** The job runs on without this process (detached submission): no end event will follow START. */
    public void detached() {
        if (ended.compareAndSet(false, true)) {
            removeHook();
        }
    }

    private void end(EventType type, Throwable error) {
        if (ended.compareAndSet(false, true)) {
            removeHook();
            emit(type, error);
        }
    }

    private synchronized void emit(EventType type, Throwable error) {
        lineage.emit(lineage.events().event(job, runId, type, runTags, error));
    }

    private void removeHook() {
        if (Thread.currentThread() == onExit) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run; the run has ended either way
        }
    }
}
