package io.waferflow.stores.online;

import io.waferflow.config.RedisConnection;
import io.waferflow.metrics.OnlineWriteMetrics;
import io.waferflow.model.StoreStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes online-store rows ({@link RedisHashWrite}, keyed by Redis key) to Redis in pipelined batches, and rides out
 * Redis outages without stopping the job.
 *
 * <p><b>Batches.</b> Rows collect in memory (a newer row of a key replaces its older one) and go to Redis in one
 * pipelined round trip ({@link RedisStore#writeAll}) when {@code batchRows} have collected, {@link #LINGER} after the
 * first row of a batch at the latest, on every watermark (it follows the rows of the windows it fired), and before
 * every checkpoint barrier ({@link #prepareSnapshotPreBarrier}). So a row waits at most 100 ms, and a checkpoint never
 * completes with a row only in memory: what a failure loses from the batch came after the last checkpoint and is
 * replayed from it.
 *
 * <p><b>Outages.</b> A batch that cannot be written because Redis does not answer moves to keyed state (the newest row
 * per key), and a processing-time timer per key retries it. While Redis is away the writer does not try every row: it
 * probes once per backoff (doubling from {@link #FIRST_RETRY} to {@link #MAX_RETRY}), so the rest of the job (Parquet,
 * topics, checkpoints) goes on at full speed. When Redis answers again the waiting rows are written, so each key ends
 * with the row an outage-free run would have written. Each change it sees, down and back up, is reported as a
 * {@link StoreStatus} (its output), which the job turns into the P0 "online store unreachable" alert, and as the
 * {@code online_store_up} gauge. A refusal (wrong credentials, a key of the wrong type) is no outage: the job fails,
 * since no retry could write the row.
 *
 * <p>State (keyed by Redis key): the row waiting for Redis, if any, and its retry timer; the names are those of the
 * keyed process function this operator replaced ({@code pending-write}, timers {@code user-timers}), so its checkpoints
 * restore. Delivery: at least once (rows are full values, so writing one twice changes nothing).
 */
public class OnlineStoreWriter extends AbstractStreamOperator<StoreStatus>
        implements OneInputStreamOperator<RedisHashWrite, StoreStatus>,
                Triggerable<String, VoidNamespace>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OnlineStoreWriter.class);

    public static final Duration FIRST_RETRY = Duration.ofMillis(500);
    public static final Duration MAX_RETRY = Duration.ofSeconds(10);
    /** The longest a row waits in a batch that is not full. */
    public static final Duration LINGER = Duration.ofMillis(100);
    /** How long the end of the input waits for an absent Redis before failing the job (which keeps the rows). */
    static final Duration PATIENCE_AT_END = Duration.ofMinutes(2);

    private final RedisConnection connection;
    private final String store;
    private final int batchRows;

    private transient RedisStore redis;
    private transient ValueState<RedisHashWrite> pending;
    private transient InternalTimerService<VoidNamespace> retries;
    private transient Map<String, RedisHashWrite> batch;
    private transient boolean lingerScheduled;
    private transient OnlineWriteMetrics metrics;
    private transient String writer;
    /** Wall-clock time Redis was first seen down in this outage; -1 while it answers. */
    private transient volatile long downSince;

    private transient long nextTry;
    private transient long backoff;
    /** Whether this attempt has reported the store's state yet: its first write always does. */
    private transient boolean reported;
    /** Whether any row may wait in state (an outage in this attempt, or state restored): only then clear it. */
    private transient boolean mayWait;

    /**
     * @param store the store's name in status reports and alerts, e.g. {@code online}
     * @param batchRows rows per pipelined round trip
     */
    public OnlineStoreWriter(RedisConnection connection, String store, int batchRows) {
        this.connection = connection;
        this.store = store;
        this.batchRows = batchRows;
    }

    public static ValueStateDescriptor<RedisHashWrite> pendingDescriptor() {
        return new ValueStateDescriptor<>("pending-write", TypeInformation.of(RedisHashWrite.class));
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, pendingDescriptor());
        retries = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        batch = new LinkedHashMap<>();
        writer = getRuntimeContext().getTaskInfo().getTaskName() + " "
                + (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + 1) + "/"
                + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        downSince = -1;
        reported = false;
        backoff = FIRST_RETRY.toMillis();
        metrics = new OnlineWriteMetrics(getMetricGroup(), () -> downSince < 0);
        redis = RedisStore.connect(connection);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        mayWait = context.isRestored();
    }

    @Override
    public void processElement(StreamRecord<RedisHashWrite> element) throws Exception {
        RedisHashWrite w = element.getValue();
        long now = now();
        if (downSince >= 0 && now < nextTry) {
            hold(w);
            return;
        }
        if (mayWait) {
            pending.clear(); // an older row of the key that waits for Redis is superseded
        }
        batch.put(w.key, w);
        if (batch.size() >= batchRows || downSince >= 0) {
            flush(); // full, or a probe of the absent Redis
        } else if (!lingerScheduled) {
            lingerScheduled = true;
            getProcessingTimeService().registerTimer(now + LINGER.toMillis(), time -> {
                lingerScheduled = false;
                flush();
            });
        }
    }

    /** A waiting row's retry: it joins the next batch, unless Redis is still within its backoff. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        RedisHashWrite w = pending.value();
        if (w == null) {
            return;
        }
        if (downSince >= 0 && now() < nextTry) {
            retries.registerProcessingTimeTimer(VoidNamespace.INSTANCE, nextTry);
            return;
        }
        pending.clear();
        // A newer row of the key may have come since and wait in the batch already: it wins.
        batch.putIfAbsent(w.key, w);
        flush();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    /**
     * A watermark comes after the rows of every window it fired (upstream emits a firing's rows before forwarding the
     * watermark that caused it): write them now instead of after the linger, so the last rows of a window end's burst
     * do not wait up to {@link #LINGER}.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
    }

    /**
     * At the end of a bounded input (or a drain) no timer fires again: the batch and every row still waiting are
     * written now, retrying for at most {@link #PATIENCE_AT_END}; if Redis stays away the job fails (and its state
     * keeps the rows), never drops them.
     */
    @Override
    public void endInput() throws Exception {
        flush();
        List<RedisHashWrite> waiting = new ArrayList<>();
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        pendingDescriptor(),
                        (key, state) -> waiting.add(state.value()));
        long deadline = System.currentTimeMillis() + PATIENCE_AT_END.toMillis();
        for (int from = 0; from < waiting.size(); from += batchRows) {
            List<RedisHashWrite> rows = waiting.subList(from, Math.min(waiting.size(), from + batchRows));
            while (!write(rows)) {
                if (System.currentTimeMillis() + backoff > deadline) {
                    throw new IllegalStateException("Redis " + redis + " did not answer for "
                            + PATIENCE_AT_END.toSeconds() + " s at the end of the input; "
                            + (waiting.size() - from) + " rows are still to be written");
                }
                Thread.sleep(backoff);
            }
            for (RedisHashWrite w : rows) {
                setCurrentKey(w.key);
                pending.clear();
            }
        }
    }

    /** Writes the batch; if Redis does not answer, its rows wait in state for their key's retry. */
    private void flush() throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        List<RedisHashWrite> rows = new ArrayList<>(batch.values());
        batch.clear();
        if (!write(rows)) {
            for (RedisHashWrite w : rows) {
                setCurrentKey(w.key);
                hold(w);
            }
        }
    }

    private void hold(RedisHashWrite w) throws Exception {
        mayWait = true;
        pending.update(w);
        retries.registerProcessingTimeTimer(VoidNamespace.INSTANCE, nextTry);
    }

    /** Writes the rows in one round trip; false if Redis does not answer (then it is down, and a retry scheduled). */
    private boolean write(List<RedisHashWrite> rows) {
        long start = System.nanoTime();
        long now = now();
        boolean[] newest;
        try {
            // False: Redis holds a later window of this key (a replay after a failover), which stays.
            newest = redis.writeAll(rows);
        } catch (RuntimeException e) {
            if (!RedisStore.isOutage(e)) {
                throw new IllegalStateException(
                        "Redis " + redis + " refused a write of " + rows.size() + " rows (the first " + rows.get(0).key
                                + "): " + RedisStore.rootCause(e),
                        e);
            }
            wentDown(now, RedisStore.rootCause(e));
            return false;
        }
        metrics.written(start, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (newest[i]) {
                metrics.served(rows.get(i).windowEnd);
            } else {
                metrics.keptNewer();
            }
        }
        cameBack(now);
        return true;
    }

    private void wentDown(long now, String reason) {
        if (downSince < 0) {
            downSince = now;
            backoff = FIRST_RETRY.toMillis();
            LOG.warn(
                    "{}: Redis {} does not answer ({}); rows wait in state and are written when it is back",
                    writer,
                    redis,
                    reason);
            output.collect(new StreamRecord<>(status(false, now, reason)));
            reported = true;
        } else {
            backoff = Math.min(backoff * 2, MAX_RETRY.toMillis());
        }
        nextTry = now + backoff;
    }

    /** Reports the store back after an outage, and on the first write of an attempt (a restart may follow one). */
    private void cameBack(long now) {
        if (downSince >= 0) {
            LOG.warn(
                    "{}: Redis {} answers again after {} s; writing the rows that waited",
                    writer,
                    redis,
                    (now - downSince) / 1000);
        }
        if (downSince >= 0 || !reported) {
            output.collect(new StreamRecord<>(status(true, now, "")));
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

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    @Override
    public void close() throws Exception {
        if (redis != null) {
            redis.close();
        }
        super.close();
    }
}
