package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.ingest.DeviceTestParser;
import io.waferflow.local.model.WaferWindowOutcome;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaferTrafficGeneratorTest {

    private final DeviceTestParser parser = new DeviceTestParser(
            TestConfigs.features().schema(), TestConfigs.features().quality());

    private static WaferTrafficGenerator.Settings clean() {
        WaferTrafficGenerator.Settings s = new WaferTrafficGenerator.Settings();
        s.outOfOrderRate = 0;
        return s;
    }

    @Test
    void recordsComeInEventTimeOrderAcrossTestersAndWaferChanges() {
        WaferTrafficGenerator g = new WaferTrafficGenerator(clean());
        List<Violation> violations = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        Set<String> wafers = new HashSet<>();
        for (int i = 0; i < 30_000; i++) {
            DeviceTest d = parser.parse(g.next(), Long.MAX_VALUE / 2, violations);
            assertThat(violations).isEmpty();
            assertThat(d.eventTime).as("record %d", i).isGreaterThanOrEqualTo(previous);
            previous = d.eventTime;
            wafers.add(d.waferId);
        }
        // 8 testers, ~716 dies per wafer: several wafer changes per tester happened.
        assertThat(wafers.size()).isGreaterThan(30);
    }

    @Test
    void aLiveSenderNeverGetsARecordFromFurtherAheadThanASwap() {
        // Testers that change wafers together: at the end of each round every other tester is 45 s ahead, loading.
        WaferTrafficGenerator.Settings s = new WaferTrafficGenerator.Settings();
        s.testers = 20;
        s.testerStaggerMillis = 0;
        s.waferDiameter = 6;
        s.outOfOrderRate = 0.5;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        List<Violation> violations = new ArrayList<>();
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < 20 * g.diesPerWafer() * 20; i++) {
            long clock = g.frontier(); // a live sender sends next() once the wall clock reaches this
            DeviceTest d = parser.parse(g.next(), Long.MAX_VALUE / 2, violations);
            assertThat(d.eventTime)
                    .as("record %d: event time after the sender's clock", i)
                    .isLessThanOrEqualTo(clock + WaferTrafficGenerator.MAX_SWAP_MILLIS);
            latest = Math.max(latest, d.eventTime);
        }
        assertThat(violations).isEmpty();
        assertThat(latest - s.startMillis)
                .as("20 rounds of wafers and wafer changes")
                .isGreaterThan(19 * 45_000L);
    }

    @Test
    void extraParametersFollowTheSchemasOwnInEveryRecord() throws Exception {
        WaferTrafficGenerator.Settings s = clean();
        s.extraParameters = 3;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < 1_000; i++) {
            var record = json.readTree(g.next());
            assertThat(record.has("vdd")).isTrue();
            for (String p : List.of("p0001", "p0002", "p0003")) {
                assertThat(record.get(p).isNumber()).as("%s of record %d", p, i).isTrue();
                assertThat(record.get(p).asDouble()).isBetween(0.0, 200.0);
            }
            assertThat(record.has("p0004")).isFalse();
        }
    }

    @Test
    void sameSeedSameBytes() {
        WaferTrafficGenerator a = new WaferTrafficGenerator(new WaferTrafficGenerator.Settings());
        WaferTrafficGenerator b = new WaferTrafficGenerator(new WaferTrafficGenerator.Settings());
        for (int i = 0; i < 5_000; i++) {
            assertThat(Arrays.equals(a.next(), b.next())).isTrue();
        }
    }

    @Test
    void injectedBadRecordsAreMalformedOutOfRangeOrRedelivered() {
        WaferTrafficGenerator.Settings s = clean();
        s.badRecordRate = 0.05;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        List<Violation> violations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int quarantined = 0;
        int flagged = 0;
        int redelivered = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] payload = g.next();
            violations.clear();
            parser.parse(payload, Long.MAX_VALUE / 2, violations);
            if (violations.stream().anyMatch(v -> v.severity.quarantines())) {
                quarantined++;
            } else if (!violations.isEmpty()) {
                flagged++;
            }
            if (!seen.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8))) {
                redelivered++;
            }
        }
        // 5 of the 7 bad kinds fail parsing, 1 is out of range, 1 re-sends the previous record: 500 bad in all.
        assertThat(quarantined).isBetween(280, 440);
        assertThat(flagged).isBetween(40, 110);
        assertThat(redelivered).isBetween(40, 110);
    }

    /**
     * The outcomes the generator reports per wafer and 5-minute window are the devices and passes of its records (no
     * bad, late or swapped records here), reported once each, in window-end order, only once the generator's clock is
     * past the window's end plus the lag.
     */
    @Test
    void finishedWindowsAreTheRecordsOutcomes() throws Exception {
        WaferTrafficGenerator.Settings s = clean();
        s.windowMillis = 300_000;
        s.driftAfterWafers = 2;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        long lag = 70_000;
        java.util.Map<String, int[]> fromRecords = new java.util.HashMap<>();
        java.util.Map<String, WaferWindowOutcome> reported = new java.util.HashMap<>();
        long previousEnd = Long.MIN_VALUE;
        for (int i = 0; i < 60_000; i++) {
            com.fasterxml.jackson.databind.JsonNode r =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(g.next());
            long t = java.time.Instant.parse(r.get("event_time").asText()).toEpochMilli();
            long end = t - Math.floorMod(t, 300_000L) + 300_000L;
            int[] c = fromRecords.computeIfAbsent(r.get("wafer_id").asText() + "/" + end, k -> new int[2]);
            c[0]++;
            c[1] += r.get("pass_fail").asInt();
            for (WaferWindowOutcome w : g.finishedWindows(lag)) {
                assertThat(w.windowEnd()).isGreaterThanOrEqualTo(previousEnd).isLessThanOrEqualTo(g.frontier() - lag);
                assertThat(w.windowEnd() - w.windowStart()).isEqualTo(300_000L);
                previousEnd = w.windowEnd();
                assertThat(reported.put(w.waferId() + "/" + w.windowEnd(), w)).isNull();
            }
        }
        assertThat(reported).hasSizeGreaterThan(50);
        reported.forEach((key, w) -> {
            assertThat(fromRecords.get(key)).as(key).containsExactly(w.devices(), w.passed());
        });
    }

    /**
     * A die whose Vdd is outside the test limits fails with soft bin 60 while its current is a good die's; after the
     * +0.05 V drift about 31 % of dies are beyond the upper limit (P(z > 0.5) of N(1.25, 0.02)).
     */
    @Test
    void diesOutsideTheVddLimitsFail() {
        WaferTrafficGenerator.Settings s = clean();
        s.driftAfterWafers = 0;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        List<Violation> violations = new ArrayList<>();
        int devices = 0;
        int vddFails = 0;
        for (int i = 0; i < 20_000; i++) {
            DeviceTest d = parser.parse(g.next(), Long.MAX_VALUE / 2, violations);
            double vdd = d.parameters[0];
            devices++;
            if (Math.abs(vdd - 1.26) < 1e-4 || Math.abs(vdd - 1.14) < 1e-4) {
                continue; // written rounded to 0.1 mV: which side of the limit the die was on is not in the record
            }
            if (vdd > 1.26 || vdd < 1.14) {
                assertThat(d.passFail).as("vdd %s", vdd).isZero();
                if (d.softBin != null && d.softBin == WaferTrafficGenerator.VDD_LIMIT_SOFT_BIN) {
                    vddFails++;
                }
            } else {
                assertThat(d.softBin).isNotEqualTo(WaferTrafficGenerator.VDD_LIMIT_SOFT_BIN);
            }
        }
        // 30.9 % beyond the limits, times the share of dies that work (about 0.9: edge ring and clusters fail the
        // rest).
        double share = (double) vddFails / devices;
        assertThat(share).isBetween(0.22, 0.31);
    }
}
