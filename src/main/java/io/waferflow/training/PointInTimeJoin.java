package io.waferflow.training;

import io.waferflow.model.TrainingEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The as-of join of labels with feature rows, per entity. It relies on its input arriving per key in
 * {@link TrainingEvent#sortTime} order, which batch execution guarantees (it sorts each keyed input by key, then record
 * timestamp): when a label arrives, exactly the feature rows whose window ended strictly before its time have been
 * seen. Feature rows of the same window end may come in any order (the sort is not stable), so "latest" is decided by
 * {@link TrainingEvent#newerThan}, never by arrival.
 *
 * <p><b>State</b> ({@link JoinState}), per entity and input: the latest row, O(1). With {@code --as-of available} also
 * the latest row available at the last label and the rows newer than it written after that label's time (those a later
 * label may see): in a stream, the few windows of the write delay; after a backfill, at most the entity's rows between
 * two of its labels. A row newer than another and written no later makes the other useless, and it is dropped. Batch
 * execution holds one key's state at a time and drops it when the key is done.
 *
 * <p>Emits one {@link TrainingRow} per label, duplicates included. Counts each status per input in accumulators
 * ({@link #counterName}).
 */
public final class PointInTimeJoin extends KeyedProcessFunction<String, TrainingEvent, TrainingRow> {

    private static final long serialVersionUID = 1L;

    public static final String LABELS_COUNTER = "labels";

    private final int inputs;
    private final AsOf asOf;
    /** Milliseconds; negative means no limit. */
    private final long maxAgeMillis;

    private transient ValueState<JoinState> state;
    private transient LongCounter labels;
    private transient LongCounter[][] statusCounters;

    public PointInTimeJoin(int inputs, AsOf asOf, long maxAgeMillis) {
        this.inputs = inputs;
        this.asOf = asOf;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** The state descriptor: one place, for the job and any reader of its state. */
    public static ValueStateDescriptor<JoinState> stateDescriptor() {
        return new ValueStateDescriptor<>("point-in-time-join", JoinState.class);
    }

    /** The accumulator counting labels of {@code status} for input {@code input}. */
    public static String counterName(int input, JoinStatus status) {
        return "status." + input + "." + status.spelling();
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor());
        labels = getRuntimeContext().getLongCounter(LABELS_COUNTER);
        statusCounters = new LongCounter[inputs][JoinStatus.values().length];
        for (int i = 0; i < inputs; i++) {
            for (JoinStatus s : JoinStatus.values()) {
                statusCounters[i][s.ordinal()] = getRuntimeContext().getLongCounter(counterName(i, s));
            }
        }
    }

    @Override
    public void processElement(TrainingEvent e, Context ctx, Collector<TrainingRow> out) throws Exception {
        JoinState s = state.value();
        if (s == null) {
            s = JoinState.empty(inputs);
        }
        if (e.isLabel()) {
            if (asOf == AsOf.AVAILABLE) {
                promoteAvailable(s, e.time);
            }
            out.collect(join(s, e));
            labels.add(1);
        } else {
            int i = e.input;
            if (e.newerThan(s.latest[i])) {
                s.latest[i] = e;
            }
            if (asOf == AsOf.AVAILABLE && e.newerThan(s.available[i])) {
                s.pending[i] = addPending(s.pending[i], e);
            }
        }
        state.update(s);
    }

    /** Adds a row to the pending ones, keeping only those no other pending row beats on both newness and write time. */
    private static TrainingEvent[] addPending(TrainingEvent[] pending, TrainingEvent row) {
        List<TrainingEvent> kept = new ArrayList<>(pending.length + 1);
        for (TrainingEvent p : pending) {
            if (p.newerThan(row) && p.writtenAt <= row.writtenAt) {
                return pending; // row would never be the best available one
            }
            if (!(row.newerThan(p) && row.writtenAt <= p.writtenAt)) {
                kept.add(p);
            }
        }
        kept.add(row);
        return kept.toArray(TrainingEvent[]::new);
    }

    /** Moves the pending rows written by {@code labelTime} into the available ones; drops those it makes useless. */
    private void promoteAvailable(JoinState s, long labelTime) {
        for (int i = 0; i < inputs; i++) {
            TrainingEvent[] pending = s.pending[i];
            if (pending.length == 0) {
                continue;
            }
            for (TrainingEvent p : pending) {
                if (p.writtenAt <= labelTime && p.newerThan(s.available[i])) {
                    s.available[i] = p;
                }
            }
            List<TrainingEvent> still = new ArrayList<>(pending.length);
            for (TrainingEvent p : pending) {
                if (p.writtenAt > labelTime && p.newerThan(s.available[i])) {
                    still.add(p);
                }
            }
            s.pending[i] = still.toArray(TrainingEvent[]::new);
        }
    }

    private TrainingRow join(JoinState s, TrainingEvent label) {
        TrainingRow row = new TrainingRow();
        row.entity = label.entity;
        row.labelTime = label.time;
        row.labels = label.labels;
        row.statuses = new int[inputs];
        row.windowEnds = new long[inputs];
        row.values = new double[inputs][];
        for (int i = 0; i < inputs; i++) {
            TrainingEvent latest = s.latest[i];
            TrainingEvent chosen = asOf == AsOf.AVAILABLE ? s.available[i] : latest;
            JoinStatus status;
            if (fresh(chosen, label.time)) {
                status = JoinStatus.OK;
            } else if (latest == null) {
                status = JoinStatus.NO_ROW;
            } else if (asOf == AsOf.AVAILABLE && fresh(latest, label.time)) {
                status = JoinStatus.NOT_AVAILABLE_YET;
            } else {
                status = JoinStatus.TOO_OLD;
            }
            row.statuses[i] = status.ordinal();
            boolean ok = status == JoinStatus.OK;
            row.windowEnds[i] = ok ? chosen.time : TrainingRow.NO_WINDOW;
            row.values[i] = ok ? chosen.values : null;
            statusCounters[i][status.ordinal()].add(1);
        }
        return row;
    }

    private boolean fresh(TrainingEvent row, long labelTime) {
        return row != null && (maxAgeMillis < 0 || labelTime - row.time <= maxAgeMillis);
    }
}
