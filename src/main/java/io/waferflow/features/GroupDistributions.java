package io.waferflow.features;

import io.waferflow.drift.Distribution;

/**
 * One drift group's values in one wafer window ({@code drift.group_by}): the group ({@code tester_id=T07}) and, per
 * parameter in schema order, its distribution. A Flink POJO, kept by {@link WaferFeatureFinalizer} until the window is
 * final.
 */
public class GroupDistributions {

    public String group;
    public Distribution[] distributions;

    public GroupDistributions() {}
}
