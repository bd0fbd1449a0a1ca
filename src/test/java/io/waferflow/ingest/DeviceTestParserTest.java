package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceTestParserTest {

    private static final String VALID = "{\"event_time\":\"2026-11-27T10:15:30.250Z\",\"lot_id\":\"L1\","
            + "\"wafer_id\":\"W1\",\"device_id\":\"D7\",\"die_x\":3,\"die_y\":-4,\"vdd\":1.21,\"idd\":48,"
            + "\"frequency\":2011.5,\"temperature\":null,\"test_time_ms\":101.5,\"pass_fail\":1,\"hard_bin\":1,"
            + "\"soft_bin\":12,\"tester_id\":\"T9\",\"unknown_extra\":{\"nested\":[1,2]}}";

    /** The parser's clock: fixed, so the future-skew rule does not depend on when the test runs. */
    private static final long NOW = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();

    private DeviceTestParser parser = parserWith();
    private final List<Violation> violations = new ArrayList<>();

    private static DeviceTestParser parserWith(String... overrides) {
        FeaturesJobConfig c = TestConfigs.features(overrides);
        return new DeviceTestParser(c.schema(), c.quality());
    }

    private DeviceTest parse(String json) {
        violations.clear();
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), NOW, violations);
    }

    @Test
    void readsEveryFieldOfAValidRecord() {
        DeviceTest d = parse(VALID);
        assertThat(violations).isEmpty();
        assertThat(d.eventTime)
                .isEqualTo(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli());
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
        DeviceTest d = parse(
                VALID.replace("\"2026-11-27T10:15:30.250Z\"", "1764238530250").replace("\"die_x\":3", "\"die_x\":3.0"));
        assertThat(violations).isEmpty();
        assertThat(d.eventTime).isEqualTo(1764238530250L);
        assertThat(d.dieX).isEqualTo(3);
        DeviceTest offset = parse(VALID.replace("10:15:30.250Z", "12:15:30.250+02:00"));
        assertThat(offset.eventTime)
                .isEqualTo(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli());
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
        parse(VALID.replace("\"vdd\":1.21", "\"vdd\":\"1.21V\"")
                .replace("\"die_y\":-4", "\"die_y\":null")
                .replace("\"frequency\":2011.5", "\"frequency\":-Infinity"));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.field + ":" + v.severity)
                .containsExactlyInAnyOrder("type:vdd:HIGH", "nullable:die_y:HIGH", "non_finite:frequency:HIGH");
    }

    @Test
    void structuralGarbageIsCriticalNeverAnException() {
        for (String bad : List.of(
                "",
                "   ",
                "{\"event_time\":",
                "[1,2]",
                "42",
                "{} {}",
                "{\"a\":1,}",
                "\u0000\u00ff",
                "[".repeat(5000),
                "{\"a\":".repeat(5000))) {
            parse(bad);
            assertThat(violations)
                    .as(bad)
                    .isNotEmpty()
                    .allSatisfy(v -> assertThat(v.severity).isEqualTo(Severity.CRITICAL));
        }
    }

    @Test
    void timestampsOutsideTheRangeOfEpochMillisAreTypeViolations() {
        for (String t : List.of("\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"")) {
            parse(VALID.replace("\"2026-11-27T10:15:30.250Z\"", t));
            assertThat(violations).as(t).extracting(v -> v.rule + ":" + v.field).containsExactly("type:event_time");
        }
        parse(VALID.replace("\"2026-11-27T10:15:30.250Z\"", "-9223372036854775808"));
        assertThat(violations).extracting(v -> v.rule).containsExactly("implausible_event_time");
        parse(VALID.replace("\"2026-11-27T10:15:30.250Z\"", "9223372036854775807"));
        assertThat(violations).extracting(v -> v.rule).containsExactly("implausible_event_time");
    }

    @Test
    void emptyObjectReportsEveryMissingRequiredField() {
        parse("{}");
        assertThat(violations)
                .extracting(v -> v.field)
                .containsExactlyInAnyOrder(
                        "event_time",
                        "lot_id",
                        "wafer_id",
                        "device_id",
                        "die_x",
                        "die_y",
                        "vdd",
                        "idd",
                        "frequency",
                        "test_time_ms",
                        "pass_fail");
    }

    @Test
    void valueRulesFlagTheRecordButLetItThrough() {
        DeviceTest d =
                parse(VALID.replace("\"vdd\":1.21", "\"vdd\":1.45").replace("\"pass_fail\":1", "\"pass_fail\":2"));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.field + ":" + v.value + ":" + v.severity)
                .containsExactlyInAnyOrder("range:vdd:1.45:MEDIUM", "categorical:pass_fail:2:MEDIUM");
        assertThat(violations)
                .allSatisfy(v -> assertThat(v.severity.quarantines()).isFalse());
        assertThat(d.parameters[0]).as("the reading is kept").isEqualTo(1.45);
        assertThat(d.flagged).isTrue();
        assertThat(d.flaggedParameters)
                .as("vdd is parameter 0; pass_fail is no parameter")
                .containsExactly(1L);
        // Bounds are inclusive.
        parse(VALID.replace("\"vdd\":1.21", "\"vdd\":1.4").replace("\"idd\":48", "\"idd\":0"));
        assertThat(violations).isEmpty();
    }

    @Test
    void patternsAndAllowedStringsComeFromTheSchema() {
        parser = parserWith("schema.fields.wafer_id.pattern=W[0-9]+", "schema.fields.tester_id.allowed=T1,T2");
        parse(VALID.replace("\"W1\"", "\"w-1\""));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.field + ":" + v.value)
                .containsExactlyInAnyOrder("pattern:wafer_id:w-1", "categorical:tester_id:T9");
    }

    @Test
    void implausibleEventTimesAndDiesOffTheMapAreQuarantined() {
        parse(VALID.replace("2026-11-27T10:15:30.250Z", "1970-01-01T00:00:00Z"));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.severity)
                .containsExactly("implausible_event_time:HIGH");
        parse(VALID.replace("2026-11-27T10:15:30.250Z", "2026-11-27T13:00:00.001Z")); // NOW + 1 h + 1 ms
        assertThat(violations).extracting(v -> v.rule).containsExactly("implausible_event_time");
        parse(VALID.replace("2026-11-27T10:15:30.250Z", "2026-11-27T13:00:00Z")); // exactly at the limit
        assertThat(violations).isEmpty();
        parse(VALID.replace("\"die_x\":3", "\"die_x\":512"));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.value + ":" + v.severity)
                .containsExactly("die_off_map:512,-4:HIGH");
    }

    @Test
    void anyNumberOfParametricTestsNotJustSixtyFour() {
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            overrides.add("schema.fields.p" + i + ".type=float");
            overrides.add("schema.fields.p" + i + ".parameter=true");
            overrides.add("schema.fields.p" + i + ".required=true");
            overrides.add("schema.fields.p" + i + ".max=1");
        }
        parser = parserWith(overrides.toArray(String[]::new));
        StringBuilder json = new StringBuilder(VALID.substring(0, VALID.length() - 1));
        for (int i = 0; i < 300; i++) {
            if (i != 250) { // p250 missing
                json.append(",\"p").append(i).append("\":").append(i == 200 ? "2.5" : "0.5");
            }
        }
        DeviceTest d = parse(json.append('}').toString());
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.field + ":" + v.severity)
                .containsExactlyInAnyOrder("required:p250:CRITICAL", "range:p200:MEDIUM");
        // Parameters: vdd, idd, frequency, temperature, then p0..p299, so p200 is parameter 204.
        assertThat(d.parameters).hasSize(304);
        assertThat(d.parameters[204]).isEqualTo(2.5);
        assertThat(d.flaggedParameters[204 / 64]).isEqualTo(1L << (204 % 64));
    }

    private DeviceTest parse(byte[] payload) {
        violations.clear();
        return parser.parse(payload, NOW, violations);
    }

    /** VALID with the device id's value replaced by these raw bytes. */
    private static byte[] withDeviceIdBytes(byte... raw) {
        String[] parts = VALID.split("\"D7\"");
        byte[] head = (parts[0] + "\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\"" + parts[1]).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + raw.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(raw, 0, out, head.length, raw.length);
        System.arraycopy(tail, 0, out, head.length + raw.length, tail.length);
        return out;
    }

    @Test
    void invalidUtf8IsChargedToItsFieldShownAsSentAndTheRestOfTheRecordIsRead() {
        // D, an overlong NUL (Jackson alone reads it as U+0000), 7, and a lead byte whose continuation is missing.
        DeviceTest d =
                parse(withDeviceIdBytes((byte) 'D', (byte) 0xC0, (byte) 0x80, (byte) '7', (byte) 0xC3, (byte) '('));
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.rule + ":" + v.field + ":" + v.severity).isEqualTo("invalid_unicode:device_id:HIGH");
            assertThat(v.value).isEqualTo("D\\xC0\\x807\\xC3(");
        });
        assertThat(d.deviceId).as("never an altered id").isNull();
        assertThat(d.waferId).isEqualTo("W1");
        assertThat(d.eventTime)
                .isEqualTo(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli());
        // Valid multi-byte text is read as it is.
        DeviceTest ok = parse(withDeviceIdBytes("Dé€".getBytes(StandardCharsets.UTF_8)));
        assertThat(violations).isEmpty();
        assertThat(ok.deviceId).isEqualTo("Dé€");
    }

    @Test
    void anUnpairedSurrogateEscapeIsAViolationShownAsItsEscape() {
        DeviceTest d = parse(VALID.replace("\"W1\"", "\"W\\ud800\""));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.field + ":" + v.value)
                .containsExactly("invalid_unicode:wafer_id:W\\uD800");
        assertThat(d.waferId).isNull();
        DeviceTest pair = parse(VALID.replace("\"W1\"", "\"W\\ud83d\\ude00\""));
        assertThat(violations).isEmpty();
        assertThat(pair.waferId).isEqualTo("W" + new String(Character.toChars(0x1F600)));
    }

    @Test
    void blankMeansNoVisibleCharacter() {
        for (String blank : List.of("", " ", "\t\r\n", "\u00a0", "\u3000", "\u200b", "\ufeff", "\u0000")) {
            assertThat(DeviceTestParser.blank(blank))
                    .as("U+%04X...", blank.isEmpty() ? 0 : (int) blank.charAt(0))
                    .isTrue();
        }
        for (String id : List.of("W", " W ", "\u00e9", new String(Character.toChars(0x1F600)))) {
            assertThat(DeviceTestParser.blank(id)).as(id).isFalse();
        }
    }

    @Test
    void longStringsAndNumbersAreShownAsTheirStartAndLength() {
        parse(VALID.replace("\"D7\"", "\"" + "D".repeat(300) + "\""));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.value + ":" + v.expected)
                .containsExactly("too_long:" + "D".repeat(40) + "… (300 characters):at most 256 characters");
        parse(VALID.replace("\"vdd\":1.21", "\"vdd\":1." + "2".repeat(1_000)));
        assertThat(violations)
                .extracting(v -> v.rule + ":" + v.value + ":" + v.expected)
                .containsExactly("type:1." + "2".repeat(38) + "… (1002 characters):float (a number of at most 1000"
                        + " characters)");
    }

    @Test
    void noLimitOfJacksonsOwnIsBelowTheRecordSizeLimit() {
        // Above Jackson's defaults: 20 M characters a string, 50,000 a name, 1,000 nesting levels.
        parser = parserWith("quality.max_record_bytes=30000000");
        String unknown = ",\"note\":\"" + "x".repeat(21_000_000) + "\",\"" + "n".repeat(60_000) + "\":1,\"deep\":"
                + "[".repeat(5_000) + "]".repeat(5_000);
        DeviceTest d = parse(VALID.substring(0, VALID.length() - 1) + unknown + "}");
        assertThat(violations).isEmpty();
        assertThat(d.deviceId).isEqualTo("D7");
    }
}
