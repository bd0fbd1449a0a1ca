package io.waferflow.testing;

import io.waferflow.model.DeviceTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A device test as the test writes it: a plain value, independent of the job's record type. Many come from
 * {@link TestWafers}; single ones are written out or made with {@link #nominal}.
 */
public record TestDie(
        long time,
        String lot,
        String wafer,
        int x,
        int y,
        boolean pass,
        double vdd,
        double idd,
        double frequency,
        Double temperature,
        double testTimeMs) {

    /** A passing die with nominal values (1.2 V, 50 mA, 2000 MHz, 25 °C, 100 ms), e.g. one that only moves time on. */
    public static TestDie nominal(long time, String lot, String wafer, int x, int y) {
        return new TestDie(time, lot, wafer, x, y, true, 1.2, 50, 2000, 25.0, 100);
    }

    /**
     * The record a harness test feeds an operator: a die of lot L1 at frequency 2000 + x MHz, without temperature, as
     * the job parses it.
     */
    public static DeviceTest parsed(
            String wafer, long time, int x, int y, boolean pass, double vdd, double idd, double testTimeMs) {
        return new TestDie(time, "L1", wafer, x, y, pass, vdd, idd, 2000 + x, null, testTimeMs).deviceTest();
    }

    /**
     * The input message the tester would send: JSON with every field of the schema (hard bin 1 for a pass, 5 for a
     * fail; no soft bin; tester T1).
     */
    public String json() {
        return String.format(
                Locale.ROOT,
                "{\"event_time\":\"%s\",\"lot_id\":\"%s\",\"wafer_id\":\"%s\",\"device_id\":\"%s\","
                        + "\"die_x\":%d,\"die_y\":%d,\"vdd\":%s,\"idd\":%s,\"frequency\":%s,\"temperature\":%s,"
                        + "\"test_time_ms\":%s,\"pass_fail\":%d,\"hard_bin\":%d,"
                        + "\"soft_bin\":null,\"tester_id\":\"T1\"}",
                Instant.ofEpochMilli(time),
                lot,
                wafer,
                deviceId(),
                x,
                y,
                vdd,
                idd,
                frequency,
                temperature == null ? "null" : temperature.toString(),
                testTimeMs,
                pass ? 1 : 0,
                hardBin());
    }

    /** {@link #json()} in UTF-8. */
    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** Each die's message, in order. */
    public static List<byte[]> payloads(List<TestDie> dies) {
        return dies.stream().map(TestDie::bytes).toList();
    }

    /** The record the job parses from {@link #json()}: for harness tests, which feed operators directly. */
    public DeviceTest deviceTest() {
        DeviceTest d = new DeviceTest();
        d.eventTime = time;
        d.lotId = lot;
        d.waferId = wafer;
        d.deviceId = deviceId();
        d.dieX = x;
        d.dieY = y;
        d.passFail = pass ? 1 : 0;
        d.hardBin = hardBin();
        d.testerId = "T1";
        d.testTimeMs = testTimeMs;
        d.parameters = new double[] {vdd, idd, frequency, parameter(3)};
        return d;
    }

    /** {@code <wafer>-<x>-<y>}. */
    public String deviceId() {
        return wafer + "-" + x + "-" + y;
    }

    /**
     * The number that ends the wafer id ({@code WC3}: 3, {@code WF07}: 7, {@code WRCLOCK1}: 1), by which tests spread
     * wafers over partitions.
     */
    public int waferNumber() {
        int i = wafer.length();
        while (i > 0 && Character.isDigit(wafer.charAt(i - 1))) {
            i--;
        }
        return Integer.parseInt(wafer.substring(i));
    }

    public double parameter(int i) {
        switch (i) {
            case 0:
                return vdd;
            case 1:
                return idd;
            case 2:
                return frequency;
            default:
                return temperature == null ? Double.NaN : temperature;
        }
    }

    private int hardBin() {
        return pass ? 1 : 5;
    }
}
