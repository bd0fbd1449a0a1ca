package io.waferflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.Violation;
import io.waferflow.testing.BadInputCorpus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceTestDeserializerTest {

    private static final String VALID =
            "{\"event_time\":\"2026-11-27T10:00:00Z\",\"lot_id\":\"L1\",\"wafer_id\":\"W1\","
                    + "\"device_id\":\"D1\",\"die_x\":1,\"die_y\":2,\"vdd\":1.2,\"idd\":50,\"frequency\":2000,"
                    + "\"test_time_ms\":100,\"pass_fail\":1}";

    private DeviceTestDeserializer deserializer;

    @BeforeEach
    void setUp() {
        FeaturesJobConfig c = TestConfigs.features();
        deserializer = new DeviceTestDeserializer(c.schema(), c.quality());
        deserializer.open(null);
    }

    private ParsedDeviceTest read(byte[] value, long kafkaTimestamp) {
        ConsumerRecord<byte[], byte[]> message = new ConsumerRecord<>(
                "t",
                0,
                0L,
                kafkaTimestamp,
                TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length,
                null,
                value,
                new RecordHeaders(),
                Optional.empty());
        List<ParsedDeviceTest> out = new ArrayList<>();
        deserializer.deserialize(message, new Collector<>() {
            @Override
            public void collect(ParsedDeviceTest record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void aValidMessageCarriesItsEventTimeForWatermarks() {
        ParsedDeviceTest p = read(
                VALID.getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-11-27T10:00:05Z").toEpochMilli());
        assertThat(p.quarantined).isFalse();
        assertThat(p.violations).isEmpty();
        assertThat(p.eventTimeForWatermarks())
                .isEqualTo(Instant.parse("2026-11-27T10:00:00Z").toEpochMilli());
    }

    @Test
    void aTombstoneIsACriticalViolationNotACrash() {
        ParsedDeviceTest p = read(null, 1_000L);
        assertThat(p.quarantined).isTrue();
        assertThat(p.violations).extracting(v -> v.rule + ":" + v.severity).containsExactly("not_an_object:CRITICAL");
        assertThat(p.violations[0].observedAt).isEqualTo(1_000L);
        assertThat(p.eventTimeForWatermarks())
                .as("a quarantined record does not move watermarks")
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void futureSkewIsJudgedAgainstTheKafkaTimestampSoReplaysDecideAlike() {
        long eventTime = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
        // Produced 2 h before the event time it claims: implausible, whenever the job reads it.
        ParsedDeviceTest early = read(VALID.getBytes(StandardCharsets.UTF_8), eventTime - 2 * 3_600_000L);
        assertThat(early.violations).extracting(v -> v.rule).containsExactly("implausible_event_time");
        assertThat(early.violations[0].rawPayload).isEqualTo(VALID);
        ParsedDeviceTest fine = read(VALID.getBytes(StandardCharsets.UTF_8), eventTime - 3_600_000L);
        assertThat(fine.violations).isEmpty();
    }

    /**
     * Every kind of the bad-input corpus gets exactly its violations from the source's deserializer, with the record's
     * whole payload, its size and its SHA-256 when quarantined (the job-level check is BadInputITCase). Duplicates are
     * judged later, in keyed state, so the corpus's duplicate reads as a valid record here.
     */
    @Test
    void everyCorpusKindGetsExactlyItsViolationsAndAQuarantinedOneKeepsItsWholePayload() throws Exception {
        long kafkaTimestamp = Instant.parse("2026-11-27T08:30:00Z").toEpochMilli();
        for (BadInputCorpus.Case c : BadInputCorpus.read()) {
            List<String> expected = c.expected().stream()
                    .filter(e -> !e.startsWith(Violation.RULE_DUPLICATE + ":"))
                    .sorted()
                    .toList();
            ParsedDeviceTest p = read(c.bytes(), kafkaTimestamp);
            assertThat(Arrays.stream(p.violations)
                            .map(v -> v.rule + ":" + v.field + ":" + v.severity)
                            .sorted())
                    .as(c.kind())
                    .containsExactlyElementsOf(expected);
            boolean quarantines = expected.stream().anyMatch(e -> e.endsWith(":CRITICAL") || e.endsWith(":HIGH"));
            assertThat(p.quarantined).as(c.kind()).isEqualTo(quarantines);
            byte[] bytes = c.bytes() == null ? new byte[0] : c.bytes();
            for (Violation v : p.violations) {
                if (quarantines) {
                    assertThat(v.rawPayload).as(c.kind()).isEqualTo(c.raw());
                    assertThat(v.rawPayloadBytes).as(c.kind()).isEqualTo(bytes.length);
                    assertThat(v.rawPayloadSha256)
                            .as(c.kind())
                            .isEqualTo(HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(bytes)));
                } else {
                    assertThat(v.rawPayload).as(c.kind()).isNull();
                }
            }
        }
    }
}
