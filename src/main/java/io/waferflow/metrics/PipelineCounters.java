package io.waferflow.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The {@link PipelineCounter}s of one operator, kept in its operator state. Counts are part of every checkpoint, so
 * they are consistent with each other across operators (aligned barriers: a record before the barrier was counted by
 * every operator it reached) and they survive failover and restores instead of starting again from zero. That is what
 * makes the ledger {@code records_in = aggregated + quarantined} hold at every checkpoint, not only at the end of a
 * failure-free run. With unaligned checkpoints records in flight would be in neither count; the job uses aligned ones.
 *
 * <p>A function declares its counters as fields ({@code counters.add(name)}), implements {@link CountingFunction}
 * (which restores and snapshots them) and calls {@link #register} from {@code open}. Entries are split across subtasks
 * on rescaling; a subtask adds up what it receives, so totals are kept.
 */
public final class PipelineCounters implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Name of the list state in every counting operator; the State Processor API reads it by this name. */
    public static final String STATE_NAME = "pipeline-counters";

    private final Map<String, PipelineCounter> byName = new LinkedHashMap<>();
    private transient ListState<PipelineCount> state;
    /** Restored entries of counters this version no longer has: carried forward, never dropped. */
    private transient List<PipelineCount> retired;

    public static ListStateDescriptor<PipelineCount> descriptor() {
        return new ListStateDescriptor<>(STATE_NAME, TypeInformation.of(PipelineCount.class));
    }

    /** Declares a counter; call at construction, before the function is shipped. */
    public PipelineCounter add(String name) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("counter declared twice: " + name);
        }
        PipelineCounter counter = new PipelineCounter(name);
        byName.put(name, counter);
        return counter;
    }

    public void restore(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(descriptor());
        retired = new ArrayList<>();
        for (PipelineCounter c : byName.values()) {
            c.reset();
        }
        if (context.isRestored()) {
            for (PipelineCount entry : state.get()) {
                PipelineCounter c = byName.get(entry.name);
                if (c == null) {
                    retired.add(entry);
                } else {
                    c.addRestored(entry.value);
                }
            }
        }
    }

    /** Registers metrics and accumulators, starting from the restored totals. */
    public void register(RuntimeContext context) {
        for (PipelineCounter c : byName.values()) {
            c.register(context);
        }
    }

    public void snapshot() throws Exception {
        List<PipelineCount> entries = new ArrayList<>(retired);
        for (PipelineCounter c : byName.values()) {
            entries.add(new PipelineCount(c.name(), c.total()));
        }
        state.update(entries);
    }
}
