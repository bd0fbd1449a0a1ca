package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import io.waferflow.metrics.OnlineWriteMetrics;
import io.waferflow.model.StoreStatus;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes online-store rows ({@link RedisHashWrite}, keyed by Redis key) to Redis, and rides out Redis outages without
 * stopping the job: a row that cannot be written because Redis does not answer waits in keyed state (the newest row per
 * key: a newer row replaces a waiting one), and a processing-time timer retries it. While Redis is away the writer does
 * not try every row: it probes once per backoff (doubling from {@link #FIRST_RETRY} to {@link #MAX_RETRY}), so the rest
 * of the job (Parquet, topics, checkpoints) goes on at full speed. When Redis answers again every waiting row is
 * written, so each key ends with the row an outage-free run would have written.
 *
 * <p>It reports each change it sees, down and back up, as a {@link StoreStatus} (its output), which the job turns into
 * the P0 "online store unreachable" alert, and as the {@code online_store_up} gauge. A refusal (wrong credentials, a
 * key of the wrong type) is no outage: the job fails, since no retry could write the row.
 *
 * <p>State (keyed by Redis key): the row waiting, if any, and its retry timer; both cleared once it is written.
 * Delivery: at least once (rows are full values, so writing one twice changes nothing). Rows still waiting when the
 * input ends are written by {@link OnlineStoreWriterOperator#endInput}.
 */
public class OnlineStoreWriter extends KeyedProcessFunction<String, RedisHashWrite, StoreStatus> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OnlineStoreWriter.class);

    public static final Duration FIRST_RETRY = Duration.ofMillis(500);
    public static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final RedisConnection connection;
    private final String store;

    private transient RedisStore redis;
    private transient ValueState<RedisHashWrite> pending;
    private transient OnlineWriteMetrics metrics;
    private transient String writer;
    /** Wall-clock time Redis was first seen down in this outage; -1 while it answers. */
    private transient volatile long downSince;

    private transient long nextTry;
    private transient long backoff;
    /** Whether this attempt has reported the store's state yet: its first write always does. */
    private transient boolean reported;

    /** @param store the store's name in status reports and alerts, e.g. {@code online} */
    public OnlineStoreWriter(RedisConnection connection, String store) {
        this.connection = connection;
        this.store = store;
    }

    public static ValueStateDescriptor<RedisHashWrite> pendingDescriptor() {
        return new ValueStateDescriptor<>("pending-write", TypeInformation.of(RedisHashWrite.class));
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getState(pendingDescriptor());
        writer = getRuntimeContext().getTaskInfo().getTaskName() + " "
                + (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + 1) + "/"
                + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        downSince = -1;
        reported = false;
        backoff = FIRST_RETRY.toMillis();
        metrics = new OnlineWriteMetrics(getRuntimeContext().getMetricGroup(), () -> downSince < 0);
        redis = RedisStore.connect(connection);
    }

    @Override
    public void processElement(RedisHashWrite w, Context ctx, Collector<StoreStatus> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (downSince >= 0 && now < nextTry) {
            hold(w, ctx);
        } else if (write(w, now, out)) {
            pending.clear(); // an older row of the key that was waiting is superseded
        } else {
            hold(w, ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreStatus> out) throws Exception {
        RedisHashWrite w = pending.value();
        if (w == null) {
            return; // written meanwhile by a newer row of the key
        }
        long now = ctx.timerService().currentProcessingTime();
        if ((downSince >= 0 && now < nextTry) || !write(w, now, out)) {
            ctx.timerService().registerProcessingTimeTimer(nextTry);
        } else {
            pending.clear();
        }
    }

    private void hold(RedisHashWrite w, Context ctx) throws Exception {
        pending.update(w);
        ctx.timerService().registerProcessingTimeTimer(nextTry);
    }

    /** Writes the row; false if Redis does not answer (then it is down, and the next try is scheduled). */
    private boolean write(RedisHashWrite w, long now, Collector<StoreStatus> out) {
        long start = System.nanoTime();
        boolean newest;
        try {
            // False: Redis holds a later window of this key (a replay after a failover), which stays.
            newest = redis.write(w);
        } catch (RuntimeException e) {
            if (!RedisStore.isOutage(e)) {
                throw new IllegalStateException(
                        "Redis " + redis + " refused the write of " + w.key + ": " + RedisStore.rootCause(e), e);
            }
            wentDown(now, RedisStore.rootCause(e), out);
            return false;
        }
        metrics.written(start);
        if (newest) {
            metrics.served(w.windowEnd);
        } else {
            metrics.keptNewer();
        }
        cameBack(now, out);
        return true;
    }

    private void wentDown(long now, String reason, Collector<StoreStatus> out) {
        if (downSince < 0) {
            downSince = now;
            backoff = FIRST_RETRY.toMillis();
            LOG.warn(
                    "{}: Redis {} does not answer ({}); rows wait in state and are written when it is back",
                    writer,
                    redis,
                    reason);
            out.collect(status(false, now, reason));
            reported = true;
        } else {
            backoff = Math.min(backoff * 2, MAX_RETRY.toMillis());
        }
        nextTry = now + backoff;
    }

    /** Reports the store back after an outage, and on the first write of an attempt (a restart may follow one). */
    private void cameBack(long now, Collector<StoreStatus> out) {
        if (downSince >= 0) {
            LOG.warn(
                    "{}: Redis {} answers again after {} s; writing the rows that waited",
                    writer,
                    redis,
                    (now - downSince) / 1000);
        }
        if (downSince >= 0 || !reported) {
            out.collect(status(true, now, ""));
            reported = true;
            downSince = -1;
            backoff = FIRST_RETRY.toMillis();
        }
    }

    private StoreStatus status(boolean up, long now, String reason) {
        StoreStatus s = new StoreStatus();
        s.store = store;
        s.address = redis.toString();
        s.writer = writer;
        s.up = up;
        s.at = now;
        s.downSince = downSince;
        s.reason = reason;
        return s;
    }

    /**
     * At the end of the input, no timer will fire again: the row waiting for {@code key} is written now, retrying for
     * at most {@code patience}; if Redis stays away the job fails (and its state keeps the row), never drops it.
     */
    void writeBeforeEnd(RedisHashWrite w, Duration patience, Collector<StoreStatus> out) throws InterruptedException {
        long deadline = System.currentTimeMillis() + patience.toMillis();
        while (!write(w, System.currentTimeMillis(), out)) {
            if (System.currentTimeMillis() + backoff > deadline) {
                throw new IllegalStateException("Redis " + redis + " did not answer for " + patience.toSeconds()
                        + " s at the end of the input; " + w.key + " and other rows are still to be written");
            }
            Thread.sleep(backoff);
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
