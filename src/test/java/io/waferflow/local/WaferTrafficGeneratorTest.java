package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.ingest.DeviceTestParser;
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
}
