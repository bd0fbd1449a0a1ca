package io.waferflow.testing;

import java.time.Instant;
import java.util.Locale;

/** A device test as the test writes it: a plain value, independent of the job's record type. */
public record TestDie(long time, String lot, String wafer, int x, int y, boolean pass, double vdd, double idd,
                      double frequency, Double temperature, double testTimeMs) {

    public String json() {
        return String.format(Locale.ROOT,
                "{\"event_time\":\"%s\",\"lot_id\":\"%s\",\"wafer_id\":\"%s\",\"device_id\":\"%s-%d-%d\","
                        + "\"die_x\":%d,\"die_y\":%d,\"vdd\":%s,\"idd\":%s,\"frequency\":%s,\"temperature\":%s,"
                        + "\"test_time_ms\":%s,\"pass_fail\":%d,\"hard_bin\":%d,\"soft_bin\":null,\"tester_id\":\"T1\"}",
                Instant.ofEpochMilli(time), lot, wafer, wafer, x, y, x, y, vdd, idd, frequency,
                temperature == null ? "null" : temperature.toString(), testTimeMs, pass ? 1 : 0, pass ? 1 : 5);
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
}
