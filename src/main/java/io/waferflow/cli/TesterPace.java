package io.waferflow.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --speed tester}: parts are published when as much time has passed since the file's first part as passed in
 * event time (the PRR test times on each site), so a consumer sees the traffic a live tester makes. {@code max}: no
 * waiting. Each file starts its own clock.
 */
final class TesterPace {

    private final boolean paced;
    private final CountDownLatch stop;
    private long firstEventTime;
    private long startNanos;
    private boolean started;

    /** @param stop counted down to stop waiting (Ctrl-C) */
    TesterPace(boolean paced, CountDownLatch stop) {
        this.paced = paced;
        this.stop = stop;
    }

    void newFile() {
        started = false;
    }

    /** Waits until the part of this event time is due; false if stopped while waiting. */
    boolean awaitDue(long eventTime) throws InterruptedException {
        if (!paced) {
            return true;
        }
        if (!started) {
            started = true;
            firstEventTime = eventTime;
            startNanos = System.nanoTime();
            return true;
        }
        long due = startNanos + TimeUnit.MILLISECONDS.toNanos(eventTime - firstEventTime);
        long wait = due - System.nanoTime();
        return wait <= 0 || !stop.await(wait, TimeUnit.NANOSECONDS);
    }
}
