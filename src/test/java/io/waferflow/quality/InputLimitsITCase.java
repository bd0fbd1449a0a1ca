package io.waferflow.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages at, just above and far above every size limit on their way through the job, against a real Kafka broker, run
 * by the production graph with restarts switched off, so a single failure fails the test: the bad input itself must
 * never stop the job. The limits: Kafka's own {@code message.max.bytes} for the input topic (1048588 by default, raised
 * on this test's input topic so that far larger messages reach the job), {@code quality.max_record_bytes} (the shipped
 * 1048000), the violation producer's {@code max.request.size} (1048576; a violation carrying a payload that grows when
 * JSON-escaped used to exceed it), the Parquet quarantine (its 1 MiB pages; it keeps every payload whole), and
 * {@code quality.max_string_chars} (ids reach alert keys and texts, and the alert topic's producer has the same 1 MiB
 * limit). Valid traffic around them must come out as without them.
 */
@Timeout(300)
class InputLimitsITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T09:00:00Z").toEpochMilli();
    /** Kafka's default {@code message.max.bytes} (a record batch) and {@code max.request.size}. */
    private static final int KAFKA_MESSAGE_MAX_BYTES = 1_048_588;

    private static final int PRODUCER_MAX_REQUEST_SIZE = 1_048_576;
    /**
     * The largest value a default topic takes in a one-record batch without key or headers: the v2 batch header is 61
     * bytes, the record around a value of about 1 MB another 11 (attributes, two one-byte deltas, the null key's
     * length, the 3-byte value length, the header count and the 3-byte record length).
     */
    private static final int LARGEST_DEFAULT_VALUE = KAFKA_MESSAGE_MAX_BYTES - 61 - 11;

    private static final int FAR_ABOVE = 5 * 1024 * 1024;

    @TempDir
    Path tmp;

    /** One input message, its expected violations (rule:field), and the wafer it belongs to. */
    record Message(String name, byte[] bytes, List<String> expected) {
        boolean quarantined() {
            return !expected.isEmpty();
        }

        String raw() {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                return "base64:" + Base64.getEncoder().encodeToString(bytes);
            }
        }
    }

    @Test
    void messagesAtAndBeyondEveryLimitNeverStopTheJobAndLoseNothing() throws Exception {
        FeaturesJobConfig probe = SERVICES.config(tmp, "limits");
        int maxRecordBytes = probe.quality().maxRecordBytes();
        int prefixBytes = probe.violationsPayloadPrefixBytes();
        assertThat(maxRecordBytes)
                .as("the shipped limit this test is built around")
                .isEqualTo(1_048_000);

        List<Message> limits = new ArrayList<>();
        int[] n = {0};
        // quality.max_record_bytes: at (read; a valid one passes, a bad one grows past 2 MB once escaped), just above.
        limits.add(new Message(
                "at_max_record_bytes",
                padded(record(n[0]++, "at_max_record_bytes", "1.2"), "x", maxRecordBytes),
                List.of()));
        limits.add(new Message(
                "at_max_record_bytes_escaping",
                padded(record(n[0]++, "at_max_record_bytes_escaping", "\"1.2V\""), "\\\"", maxRecordBytes),
                List.of("type:vdd")));
        limits.add(new Message(
                "just_over_max_record_bytes",
                padded(record(n[0]++, "just_over_max_record_bytes", "1.2"), "x", maxRecordBytes + 1),
                List.of("too_large:")));
        limits.add(new Message(
                "just_over_max_record_bytes_escaping",
                padded(record(n[0]++, "just_over_max_record_bytes_escaping", "1.2"), "\\\"", maxRecordBytes + 1),
                List.of("too_large:")));
        // The violation producer's max.request.size: payloads under max_record_bytes whose JSON-escaped form is at,
        // just above and far above it.
        for (int escaped : new int[] {PRODUCER_MAX_REQUEST_SIZE, PRODUCER_MAX_REQUEST_SIZE + 1}) {
            String name = "escapes_to_" + escaped;
            limits.add(new Message(name, escapingTo(record(n[0]++, name, "\"1.2V\""), escaped), List.of("type:vdd")));
        }
        byte[] controls = new byte[1_000_000];
        java.util.Arrays.fill(controls, (byte) 1);
        limits.add(new Message("escapes_to_6_mb", controls, List.of("unparseable:")));
        // quality.max_string_chars: ids at it with a value far longer than a violation message keeps; ids far over it
        // in a record that is bad anyway (read, the wafer id would name a wafer whose window is all quarantined, and
        // the alert about it would be larger than the alert topic accepts).
        int maxChars = probe.quality().maxStringChars();
        limits.add(new Message(
                "ids_at_max_string_chars",
                ids(
                        n[0]++,
                        "L".repeat(maxChars),
                        "W".repeat(maxChars),
                        "D".repeat(maxChars),
                        "\"" + "v".repeat(900_000) + "\""),
                List.of("type:vdd")));
        limits.add(new Message(
                "ids_far_over_max_string_chars",
                ids(n[0]++, "L".repeat(300_000), "W".repeat(300_000), "D".repeat(300_000), "\"1.2V\""),
                List.of("too_long:lot_id", "too_long:wafer_id", "too_long:device_id", "type:vdd")));
        // Kafka's default message.max.bytes (the most a default input topic delivers), 1 MiB (the producer limit and
        // the Parquet page size) and one byte more, and far above all of them (this topic's own limit is raised).
        for (int size :
                new int[] {LARGEST_DEFAULT_VALUE, PRODUCER_MAX_REQUEST_SIZE, PRODUCER_MAX_REQUEST_SIZE + 1, FAR_ABOVE
                }) {
            String name = "too_large_" + size;
            limits.add(new Message(name, padded(record(n[0]++, name, "1.2"), "x", size), List.of("too_large:")));
        }
        byte[] random = new byte[FAR_ABOVE - 1024 * 1024];
        new Random(11).nextBytes(random);
        limits.add(new Message("too_large_random_bytes", random, List.of("too_large:")));

        // Valid traffic around them: one wafer, a die per second, the limit messages in between.
        List<TestDie> valid = TestWafers.seed(5)
                .lot("LV")
                .wafers(1, w -> "WV")
                .dies(24, 6)
                .starts(T0, 0)
                .failRate(0.2)
                .testTime(120)
                .build();
        List<byte[]> payloads = new ArrayList<>();
        for (int k = 0; k < valid.size(); k++) {
            payloads.add(valid.get(k).bytes());
            if (k < limits.size()) {
                payloads.add(limits.get(k).bytes());
            }
        }
        assertThat(limits.size()).isLessThanOrEqualTo(valid.size());

        String topic = "limits-in";
        String violationsTopic = "limits-violations";
        createTopic(topic, Map.of("max.message.bytes", Integer.toString(2 * FAR_ABOVE)));
        createTopic(violationsTopic, Map.of());
        createTopic("limits-alerts", Map.of());
        produce(topic, payloads);

        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "limits",
                "feature_group.watermark.emit=per_record",
                // Alerts name wafers: a quarantined wafer's alert goes to its (exactly-once) topic too.
                "alerts.sinks.kafka_topic=limits-alerts");
        // Restart strategy none (FeaturesJobRun): any failure of any sink on any of these messages fails the run.
        Map<String, Object> acc =
                FeaturesJobRun.execute(config, "input-limits-it").getAllAccumulatorResults();

        long quarantined = limits.stream().filter(Message::quarantined).count();
        assertThat(acc.get(PipelineCounter.RECORDS_IN)).isEqualTo((long) payloads.size());
        assertThat(acc.get(PipelineCounter.RECORDS_QUARANTINED)).isEqualTo(quarantined);
        assertThat(acc.get(PipelineCounter.RECORDS_VALID)).isEqualTo(payloads.size() - quarantined);

        // The Parquet quarantine: each quarantined message whole, with its size and hash, and its violations.
        Map<String, Message> bySha = new HashMap<>();
        for (Message m : limits) {
            bySha.put(sha256(m.bytes()), m);
        }
        List<GenericRecord> rows = ParquetFiles.read(tmp.resolve("data/_quarantine"));
        Map<String, List<String>> rulesByMessage = new HashMap<>();
        for (GenericRecord row : rows) {
            Message m = bySha.get(String.valueOf(row.get("raw_payload_sha256")));
            assertThat(m)
                    .as("a quarantine row of no sent message: " + row.get("rule"))
                    .isNotNull();
            assertThat(row.get("raw_payload").toString()).as(m.name()).isEqualTo(m.raw());
            assertThat(row.get("raw_payload_bytes")).as(m.name()).isEqualTo((long) m.bytes().length);
            rulesByMessage
                    .computeIfAbsent(m.name(), k -> new ArrayList<>())
                    .add(row.get("rule") + ":" + row.get("field"));
        }
        Map<String, List<String>> expected = limits.stream()
                .filter(Message::quarantined)
                .collect(Collectors.toMap(
                        Message::name, m -> m.expected().stream().sorted().toList()));
        rulesByMessage.replaceAll((k, v) -> v.stream().sorted().toList());
        assertThat(rulesByMessage).isEqualTo(expected);

        // The violation topic: one message per violation, each within the producer's limit, carrying a prefix of the
        // payload no longer than configured, the whole payload's size and hash, and which fields were cut.
        List<ConsumerRecord<byte[], byte[]>> messages = SERVICES.readCommitted(violationsTopic);
        assertThat(messages).hasSize(rows.size());
        ObjectMapper json = new ObjectMapper();
        for (ConsumerRecord<byte[], byte[]> record : messages) {
            int size = record.value().length + (record.key() == null ? 0 : record.key().length);
            assertThat(size).isLessThan(PRODUCER_MAX_REQUEST_SIZE);
            JsonNode v = json.readTree(record.value());
            Message m = bySha.get(v.path("raw_payload_sha256").asText());
            assertThat(m).as("a topic message of no sent message").isNotNull();
            assertThat(v.path("raw_payload_bytes").asLong()).as(m.name()).isEqualTo(m.bytes().length);
            String prefix = v.path("raw_payload").asText();
            assertThat(m.raw()).as(m.name()).startsWith(prefix);
            assertThat(prefix.getBytes(StandardCharsets.UTF_8).length)
                    .as(m.name())
                    .isLessThanOrEqualTo(prefixBytes);
            boolean whole = m.raw().getBytes(StandardCharsets.UTF_8).length <= prefixBytes;
            assertThat(prefix.length() == m.raw().length()).as(m.name()).isEqualTo(whole);
            List<String> cut = new ArrayList<>();
            v.path("truncated_fields").forEach(f -> cut.add(f.asText()));
            assertThat(cut.contains("raw_payload")).as(m.name()).isEqualTo(!whole);
            for (String field : List.of("value", "lot_id", "wafer_id", "device_id")) {
                assertThat(v.path(field).asText().length())
                        .as(m.name() + " " + field)
                        .isLessThanOrEqualTo(1024);
            }
            if (m.name().equals("ids_at_max_string_chars")) {
                assertThat(cut).containsExactlyInAnyOrder("value", "raw_payload");
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("W".repeat(maxChars));
            }
        }

        // The valid wafer's features are exactly what they are without the limit messages.
        List<GenericRecord> features = ParquetFiles.read(tmp.resolve("data/wafer_aggregates/version=v1"));
        ExpectedFeatures model = ExpectedFeatures.compute(valid, 60_000, 30_000, 5_000);
        for (ExpectedFeatures.Row want : model.rows.values()) {
            GenericRecord got = features.stream()
                    .filter(f -> f.get("wafer_id").toString().equals(want.wafer)
                            && f.get("window_start").equals(want.windowStart))
                    .findFirst()
                    .orElseThrow();
            FeaturesJobRun.assertFeatures(got, want);
        }
        long limitDevices = features.stream()
                .filter(f -> f.get("wafer_id").toString().equals("WL"))
                .mapToLong(f -> (Long) f.get("device_count"))
                .sum();
        assertThat(limitDevices)
                .as("the valid message at max_record_bytes is aggregated")
                .isEqualTo(1);
    }

    /** Kafka's own limit on a topic with default settings: a message one byte larger is refused at the producer. */
    @Test
    void aDefaultInputTopicTakesMessagesUpToKafkasLimitAndRefusesLargerOnes() throws Exception {
        createTopic("default-limit", Map.of());
        produce("default-limit", List.of(new byte[LARGEST_DEFAULT_VALUE]));
        assertThatThrownBy(() -> produce("default-limit", List.of(new byte[LARGEST_DEFAULT_VALUE + 1])))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RecordTooLargeException.class);
    }

    /** A device test record of wafer WL with the given vdd literal, ending in an unknown field "pad". */
    private static String record(int k, String name, String vdd) {
        return "{\"event_time\":\"" + Instant.ofEpochMilli(T0 + 500 + 1000L * k) + "\",\"lot_id\":\"LL\","
                + "\"wafer_id\":\"WL\",\"device_id\":\"LIM-" + name + "\",\"die_x\":" + k + ",\"die_y\":9,\"vdd\":"
                + vdd
                + ",\"idd\":50.0,\"frequency\":2000.0,\"test_time_ms\":100.0,\"pass_fail\":1,\"pad\":\"";
    }

    /** A record of wafer WL's lot with these ids and vdd literal. */
    private static byte[] ids(int k, String lot, String wafer, String device, String vdd) {
        return ("{\"event_time\":\"" + Instant.ofEpochMilli(T0 + 500 + 1000L * k) + "\",\"lot_id\":\"" + lot
                        + "\",\"wafer_id\":\"" + wafer + "\",\"device_id\":\"" + device + "\",\"die_x\":" + k
                        + ",\"die_y\":9,\"vdd\":" + vdd + ",\"idd\":50.0,\"frequency\":2000.0,\"test_time_ms\":100.0,"
                        + "\"pass_fail\":1}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The record with its pad field filled with {@code unit} (and an x if needed) to exactly {@code size} bytes. */
    private static byte[] padded(String head, String unit, int size) {
        StringBuilder s = new StringBuilder(size).append(head);
        int room = size - head.length() - 2;
        if (room % unit.length() != 0) {
            s.append('x');
            room--;
        }
        s.append(unit.repeat(room / unit.length())).append("\"}");
        assertThat(s.length()).isEqualTo(size);
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The record padded with escaped quotes and x so that its JSON-escaped form has exactly {@code escaped} bytes. */
    private static byte[] escapingTo(String head, int escaped) {
        int fixed = escapedLength(head + "\"}");
        // Each \" is two bytes that escape to four; each x stays one.
        int quotes = (escaped - fixed) / 4 - 1;
        int xs = escaped - fixed - 4 * quotes;
        String payload = head + "\\\"".repeat(quotes) + "x".repeat(xs) + "\"}";
        assertThat(escapedLength(payload)).isEqualTo(escaped);
        return payload.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes of an ASCII text once written as a JSON string's content. */
    private static int escapedLength(String ascii) {
        int n = 0;
        for (char c : ascii.toCharArray()) {
            n += c == '"' || c == '\\' ? 2 : c < 0x20 ? 6 : 1;
        }
        return n;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
        // Returns once the new topic has a leader.
        SERVICES.kafka().createTopic(name, 1);
    }

    /** Sends with a producer whose own request limit is out of the way: the broker's topic limit decides. */
    private static void produce(String topic, List<byte[]> payloads) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SERVICES.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * FAR_ABOVE));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] payload : payloads) {
                // One at a time: each message is its own batch, so the broker judges each message alone.
                producer.send(new ProducerRecord<>(topic, payload)).get();
            }
        }
    }
}
