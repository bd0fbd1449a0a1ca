package io.waferflow.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tested die (SPEC 2.1), validated. A Flink POJO: public fields, no-arg constructor, no Kryo. {@link #parameters}
 * holds the parametric test values in schema order; {@code NaN} means the (nullable) value was null or absent.
 */
public class DeviceTest {

    /** Event time, epoch milliseconds UTC. */
    public long eventTime;

    public String lotId;
    public String waferId;
    public String deviceId;
    public int dieX;
    public int dieY;
    public double testTimeMs;
    /** 1 = pass, 0 = fail. */
    public int passFail;

    public Integer hardBin;
    public Integer softBin;
    public String testerId;
    public double[] parameters;
    /**
     * A stand-in for a quarantined record whose wafer and event time are known: it travels to its wafer window only to
     * be counted in the window's quarantine rate, never in any feature.
     */
    public boolean quarantined;
    /** True if any field broke a value rule (range, allowed values, pattern): the record passes, flagged. */
    public boolean flagged;
    /** Bit i set: parameter i broke a value rule; null when none did (the common case). */
    public long[] flaggedParameters;

    public DeviceTest() {}

    public static DeviceTest quarantineMarker(String waferId, String lotId, long eventTime) {
        DeviceTest m = new DeviceTest();
        m.waferId = waferId;
        m.lotId = lotId;
        m.eventTime = eventTime;
        m.quarantined = true;
        m.parameters = new double[0];
        return m;
    }

    public boolean passed() {
        return passFail == 1;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeviceTest)) {
            return false;
        }
        DeviceTest d = (DeviceTest) o;
        return eventTime == d.eventTime
                && dieX == d.dieX
                && dieY == d.dieY
                && passFail == d.passFail
                && Double.compare(testTimeMs, d.testTimeMs) == 0
                && Objects.equals(lotId, d.lotId)
                && Objects.equals(waferId, d.waferId)
                && Objects.equals(deviceId, d.deviceId)
                && Objects.equals(hardBin, d.hardBin)
                && Objects.equals(softBin, d.softBin)
                && Objects.equals(testerId, d.testerId)
                && Arrays.equals(parameters, d.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventTime, waferId, deviceId, dieX, dieY);
    }

    @Override
    public String toString() {
        return "DeviceTest{" + waferId + "/" + deviceId + " (" + dieX + "," + dieY + ") t=" + eventTime + " pass="
                + passFail + " params=" + Arrays.toString(parameters) + "}";
    }
}
