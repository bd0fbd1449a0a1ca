package io.waferflow.ingest;

import io.waferflow.TestConfigs;
import io.waferflow.quality.Severity;
import io.waferflow.quality.Violation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceTestParserTest {

    private static final String VALID = "{\"event_time\":\"2026-11-27T10:15:30.250Z\",\"lot_id\":\"L1\","
            + "\"wafer_id\":\"W1\",\"device_id\":\"D7\",\"die_x\":3,\"die_y\":-4,\"vdd\":1.21,\"idd\":48,"
            + "\"frequency\":2011.5,\"temperature\":null,\"test_time_ms\":101.5,\"pass_fail\":1,\"hard_bin\":1,"
            + "\"soft_bin\":12,\"tester_id\":\"T9\",\"unknown_extra\":{\"nested\":[1,2]}}";

    private final DeviceTestParser parser = new DeviceTestParser(TestConfigs.features().schema());
    private final List<Violation> violations = new ArrayList<>();

    private DeviceTest parse(String json) {
        violations.clear();
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), violations);
    }

    @Test
    void readsEveryFieldOfAValidRecord() {
        DeviceTest d = parse(VALID);
        assertThat(violations).isEmpty();
        assertThat(d.eventTime).isEqualTo(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli());
        assertThat(d.lotId).isEqualTo("L1");
        assertThat(d.waferId).isEqualTo("W1");
        assertThat(d.deviceId).isEqualTo("D7");
        assertThat(d.dieX).isEqualTo(3);
        assertThat(d.dieY).isEqualTo(-4);
        assertThat(d.parameters).containsExactly(1.21, 48.0, 2011.5, Double.NaN);
        assertThat(d.testTimeMs).isEqualTo(101.5);
        assertThat(d.passFail).isEqualTo(1);
        assertThat(d.hardBin).isEqualTo(1);
        assertThat(d.softBin).isEqualTo(12);
        assertThat(d.testerId).isEqualTo("T9");
    }

    @Test
    void acceptsEpochMillisOffsetsAndWholeFloatsForInts() {
        DeviceTest d = parse(VALID.replace("\"2026-11-27T10:15:30.250Z\"", "1764238530250")
                .replace("\"die_x\":3", "\"die_x\":3.0"));
        assertThat(violations).isEmpty();
        assertThat(d.eventTime).isEqualTo(1764238530250L);
        assertThat(d.dieX).isEqualTo(3);
        DeviceTest offset = parse(VALID.replace("10:15:30.250Z", "12:15:30.250+02:00"));
        assertThat(offset.eventTime).isEqualTo(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli());
    }

    @Test
    void missingRequiredFieldIsCritical() {
        DeviceTest d = parse(VALID.replace("\"idd\":48,", ""));
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.rule).isEqualTo(Violation.RULE_REQUIRED);
            assertThat(v.field).isEqualTo("idd");
            assertThat(v.severity).isEqualTo(Severity.CRITICAL);
        });
        assertThat(d.waferId).as("identity is still reported").isEqualTo("W1");
    }

    @Test
    void typeMismatchNullAndNonFiniteAreHighAndAllReported() {
        parse(VALID.replace("\"vdd\":1.21", "\"vdd\":\"1.21V\"").replace("\"die_y\":-4", "\"die_y\":null")
                .replace("\"frequency\":2011.5", "\"frequency\":-Infinity"));
        assertThat(violations).extracting(v -> v.rule + ":" + v.field + ":" + v.severity)
                .containsExactlyInAnyOrder("type:vdd:HIGH", "nullable:die_y:HIGH", "non_finite:frequency:HIGH");
    }

    @Test
    void structuralGarbageIsCriticalNeverAnException() {
        for (String bad : List.of("", "   ", "{\"event_time\":", "[1,2]", "42", "{} {}", "{\"a\":1,}", "\u0000\u00ff")) {
            parse(bad);
            assertThat(violations).as(bad).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.severity).isEqualTo(Severity.CRITICAL));
        }
    }

    @Test
    void emptyObjectReportsEveryMissingRequiredField() {
        parse("{}");
        assertThat(violations).extracting(v -> v.field).containsExactlyInAnyOrder("event_time", "lot_id",
                "wafer_id", "device_id", "die_x", "die_y", "vdd", "idd", "frequency", "test_time_ms", "pass_fail");
    }
}
