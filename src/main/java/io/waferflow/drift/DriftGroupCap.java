package io.waferflow.drift;

import io.waferflow.metrics.CountingFunction;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.DriftGroups;
import io.waferflow.model.WaferParameterWindow;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The cap on drift groups per parameter ({@code drift.max_groups}), keyed by parameter and grouping field
 * ({@link #key}): the first {@code maxGroups} values of the field that reach it are the parameter's groups for good;
 * wafer windows of any later value go on as the field's {@code (other)} group, so the detector's state stays bounded
 * whatever the input's cardinality ({@code drift_group_windows_other} counts them).
 *
 * <p>State per parameter and field: the admitted group labels, at most {@code maxGroups} strings; never cleared (a
 * tester that went quiet keeps its place). No timers; exactly-once through checkpoints. Which values are admitted
 * depends on arrival order only once the cap is reached: below it every value gets its group.
 */
public class DriftGroupCap extends KeyedProcessFunction<String, WaferParameterWindow, WaferParameterWindow>
        implements CountingFunction {

    private static final long serialVersionUID = 1L;

    private final int maxGroups;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineCounter toOther = counters.add(PipelineCounter.DRIFT_GROUP_WINDOWS_OTHER);

    private transient ValueState<String[]> admitted;

    public DriftGroupCap(int maxGroups) {
        this.maxGroups = maxGroups;
    }

    /** The operator's key: a group's parameter and grouping field. */
    public static String key(WaferParameterWindow w) {
        return DriftGroups.detectorKey(w.feature, DriftGroups.field(w.group));
    }

    public static ValueStateDescriptor<String[]> admittedDescriptor() {
        return new ValueStateDescriptor<>("drift-groups-admitted", BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);
    }

    @Override
    public PipelineCounters counters() {
        return counters;
    }

    @Override
    public void open(OpenContext openContext) {
        admitted = getRuntimeContext().getState(admittedDescriptor());
    }

    @Override
    public void processElement(WaferParameterWindow w, Context ctx, Collector<WaferParameterWindow> out)
            throws Exception {
        // An (other) group was already beyond the cap inside its wafer window.
        if (DriftGroups.isOther(w.group) || !admit(w.group)) {
            w.group = DriftGroups.label(DriftGroups.field(w.group), DriftGroups.OTHER);
            toOther.inc();
        }
        out.collect(w);
    }

    /** Whether the group has (or now gets) a place of its own. */
    private boolean admit(String group) throws Exception {
        String[] groups = admitted.value();
        if (groups == null) {
            groups = new String[0];
        }
        if (Arrays.asList(groups).contains(group)) {
            return true;
        }
        if (groups.length >= maxGroups) {
            return false;
        }
        String[] more = Arrays.copyOf(groups, groups.length + 1);
        more[groups.length] = group;
        admitted.update(more);
        return true;
    }
}
