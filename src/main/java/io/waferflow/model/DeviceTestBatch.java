package io.waferflow.model;

/**
 * Consecutive tests of one wafer that fall in the same windows, in arrival order: what the window operator adds to a
 * window's state in one access instead of one access per test. A Flink POJO, never in state.
 */
public class DeviceTestBatch {

    public String waferId;
    /** The tests, in the order they arrived. */
    public DeviceTest[] tests;

    public DeviceTestBatch() {}

    public static DeviceTestBatch of(DeviceTest... tests) {
        DeviceTestBatch b = new DeviceTestBatch();
        b.waferId = tests[0].waferId;
        b.tests = tests;
        return b;
    }
}
