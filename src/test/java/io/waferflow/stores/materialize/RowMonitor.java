package io.waferflow.stores.materialize;

import io.waferflow.testing.LocalServices;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.Jedis;

/**
 * Watches the online rows under a key prefix from a thread of its own, sweeping them one after another, and records
 * every row that went back: a window end (then revision) lower than one seen before, or a row gone after it was seen.
 * Sampling can miss a regression that is undone before the next sweep, but never reports one that did not happen.
 */
final class RowMonitor implements AutoCloseable {

    private static final long SWEEP_PAUSE_MS = 10;

    private final Jedis jedis;
    private final String prefix;
    private final Map<String, long[]> seen = new HashMap<>();
    private final List<String> regressions = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int sweeps;
    private volatile Throwable failure;

    private RowMonitor(Jedis jedis, String prefix) {
        this.jedis = jedis;
        this.prefix = prefix;
        this.thread = new Thread(this::run, "row-monitor");
    }

    static RowMonitor start(LocalServices services, String prefix) {
        RowMonitor m = new RowMonitor(services.jedis(), prefix);
        m.thread.setDaemon(true);
        m.thread.start();
        return m;
    }

    private void run() {
        try {
            while (!stopped) {
                sweep();
                sweeps++;
                Thread.sleep(SWEEP_PAUSE_MS); // a sampling pace, leaving the two cores to the job
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void sweep() {
        for (String key : seen.keySet()) {
            if (!jedis.exists(key)) {
                regressions.add(key + " vanished after " + seen.get(key)[0] + "/" + seen.get(key)[1]);
            }
        }
        for (String key : jedis.keys(prefix + "*")) {
            List<String> now = jedis.hmget(key, "window_end", "revision");
            if (now.get(0) == null) {
                continue; // expired or deleted between the listing and the read: the next sweep reports it
            }
            long[] row = {Long.parseLong(now.get(0)), Long.parseLong(now.get(1))};
            long[] before = seen.put(key, row);
            if (before != null && (row[0] < before[0] || (row[0] == before[0] && row[1] < before[1]))) {
                regressions.add(
                        key + " went back from " + before[0] + "/" + before[1] + " to " + row[0] + "/" + row[1]);
            }
        }
    }

    /** Stops after the sweep under way; fails if the monitor did. */
    void stop() throws InterruptedException {
        stopped = true;
        thread.join();
        if (failure != null) {
            throw new AssertionError("the row monitor failed", failure);
        }
    }

    List<String> regressions() {
        return regressions;
    }

    int sweeps() {
        return sweeps;
    }

    /** The keys seen at least once (read after {@link #stop}). */
    java.util.Set<String> keysSeen() {
        return seen.keySet();
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopped) {
            stop();
        }
        jedis.close();
    }
}
