package io.waferflow.features;

import io.waferflow.model.DeviceTest;

/** Builds valid device tests for harness tests (4 parameters: vdd, idd, frequency, temperature). */
final class TestRecords {

    private TestRecords() {}

    static DeviceTest test(String wafer, long time, int x, int y, boolean pass, double vdd, double idd,
                           double testTime) {
        DeviceTest d = new DeviceTest();
        d.eventTime = time;
        d.lotId = "L1";
        d.waferId = wafer;
        d.deviceId = wafer + "-" + x + "-" + y;
        d.dieX = x;
        d.dieY = y;
        d.passFail = pass ? 1 : 0;
        d.testTimeMs = testTime;
        d.parameters = new double[] {vdd, idd, 2000 + x, Double.NaN};
        return d;
    }
}
