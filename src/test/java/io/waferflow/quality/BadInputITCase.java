package io.waferflow.quality;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/corpus.tsv}, one kind per line with the violations it
 * must raise) mixed into valid traffic and run through the real job against real Kafka: every kind gets exactly its
 * violations and routing, the job never fails, nothing goes missing, and the valid wafers' features are what they
 * would be without the bad input.
 */
@Timeout(300)
class BadInputITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    private static final Path CORPUS = Path.of("src/test/resources/bad-input/corpus.tsv");

    @TempDir
    Path tmp;

    record Case(String kind, List<String> expected, String payload) {
        boolean quarantines() {
            return expected.stream().anyMatch(e -> e.endsWith(":CRITICAL") || e.endsWith(":HIGH"));
        }

        byte[] bytes() {
            switch (payload) {
                case "@tombstone":
                    return null;
                case "@non_utf8":
                    return new byte[] {'{', '"', 'l', 'o', 't', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
                            (byte) 0xFF, '"', '}'};
                case "@one_megabyte":
                    return ("{\"lot_id\":\"" + "x".repeat(1_048_100) + "\"}").getBytes(StandardCharsets.UTF_8);
                default:
                    return payload.getBytes(StandardCharsets.UTF_8);
            }
        }

        /** The raw payload a quarantined record must keep. */
        String raw() {
            byte[] b = bytes();
            if (b == null) {
                return "";
            }
            return payload.equals("@non_utf8") ? "base64:" + Base64.getEncoder().encodeToString(b)
                    : new String(b, StandardCharsets.UTF_8);
        }
    }

    static List<Case> corpus() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS, StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            List<String> expected = cols[1].equals("ok") ? List.of() : Arrays.asList(cols[1].split(","));
            cases.add(new Case(cols[0], expected, cols[2]));
        }
        return cases;
    }

    @Test
    void everyKindOfBadInputGetsItsViolationAndRoutingAndValidFeaturesAreUnaffected() throws Exception {
        List<Case> cases = corpus();
        assertThat(cases.stream().filter(c -> !c.expected().isEmpty()).count()).as("kinds of bad input")
                .isGreaterThanOrEqualTo(30);

        // Valid traffic: two wafers of 30 dies, after the corpus, in order.
        Random random = new Random(3);
        List<TestDie> valid = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            for (String wafer : List.of("WV1", "WV2")) {
                boolean pass = random.nextDouble() > 0.2;
                valid.add(new TestDie(T0 + 10_000 + k * 3_000L + (wafer.equals("WV2") ? 1_000 : 0), "LV", wafer,
                        k % 6, k / 6, pass, 1.2 + 0.02 * random.nextGaussian(), 50 + 5 * random.nextGaussian(),
                        2000 + 100 * random.nextGaussian(), random.nextDouble() < 0.2 ? null : 25.0, 120));
            }
        }

        String topic = "bad-input";
        SERVICES.kafka().createTopic(topic, 1);
        SERVICES.kafka().createTopic("bad-input-violations", 1);
        List<byte[]> payloads = new ArrayList<>();
        cases.forEach(c -> payloads.add(c.bytes()));
        valid.forEach(d -> payloads.add(d.json().getBytes(StandardCharsets.UTF_8)));
        SERVICES.produce(topic, payloads);

        Path data = tmp.resolve("data");
        // The corpus judges future timestamps against the Kafka timestamp: keep the shipped skew limit.
        FeaturesJobConfig config = FeaturesJobRun.config(SERVICES.kafka(), SERVICES.redis(), tmp, topic, "bad-input-violations",
                "bad-input", "quality.event_time.max_future_skew=1 h", "feature_group.watermark.emit=per_record");
        Map<String, Object> acc = FeaturesJobRun.execute(config, "bad-input-it").getAllAccumulatorResults();

        // Each violation back to its kind: by device id where the record had one, else by its raw payload.
        List<GenericRecord> violations = ParquetFiles.read(data.resolve("_quarantine"));
        Map<String, List<String>> actual = new TreeMap<>();
        Map<String, Boolean> quarantinedByKind = new TreeMap<>();
        List<String> rawOnlyKinds = new ArrayList<>();
        for (GenericRecord v : violations) {
            String kind = kindOf(v, cases, rawOnlyKinds);
            actual.computeIfAbsent(kind, k -> new ArrayList<>())
                    .add(v.get("rule") + ":" + v.get("field") + ":" + v.get("severity"));
            quarantinedByKind.merge(kind, (Boolean) v.get("quarantined"), (a, b) -> a && b);
        }
        Map<String, List<String>> expected = new TreeMap<>();
        for (Case c : cases) {
            if (!c.expected().isEmpty()) {
                expected.put(c.kind(), c.expected().stream().sorted().toList());
                assertThat(quarantinedByKind.get(c.kind())).as("routing of " + c.kind()).isEqualTo(c.quarantines());
            }
        }
        actual.replaceAll((k, v) -> v.stream().sorted().toList());
        assertThat(actual).isEqualTo(expected);

        // Violations are counted by rule: the corpus's expectations, added up, equal the job's counters.
        Map<String, Long> expectedByRule = new TreeMap<>();
        for (Case c : cases) {
            c.expected().forEach(e -> expectedByRule.merge(e.split(":")[0], 1L, Long::sum));
        }
        Map<String, Object> countedByRule = new TreeMap<>();
        for (String rule : expectedByRule.keySet()) {
            countedByRule.put(rule, acc.get(PipelineCounter.violationsOfRule(rule)));
        }
        assertThat(countedByRule).isEqualTo(new TreeMap<String, Object>(expectedByRule));

        // Nothing missing: every message is aggregated or quarantined.
        long quarantinedCases = cases.stream().filter(Case::quarantines).count();
        long aggregatedCases = cases.size() - quarantinedCases;
        assertThat(acc.get(PipelineCounter.RECORDS_IN)).isEqualTo((long) (cases.size() + valid.size()));
        assertThat(acc.get(PipelineCounter.RECORDS_QUARANTINED)).isEqualTo(quarantinedCases);
        List<GenericRecord> rows = ParquetFiles.read(data.resolve("wafer_aggregates/version=v1"));
        Map<String, Long> devicesByWafer = rows.stream().collect(Collectors.groupingBy(r -> r.get("wafer_id").toString(),
                LinkedHashMap::new, Collectors.summingLong(r -> (Long) r.get("device_count"))));
        assertThat(devicesByWafer.get("WX")).as("flagged and clean corpus records are aggregated")
                .isEqualTo(aggregatedCases);
        assertThat(devicesByWafer.values().stream().mapToLong(Long::longValue).sum() + quarantinedCases)
                .isEqualTo(cases.size() + valid.size());

        // The corpus wafer's window counts its quarantined records: those whose wafer and event time are sound
        // (read here with Jackson's tree model, and named by none of the expected violations), and the duplicate.
        // NaN and Infinity readings are bad values in an otherwise readable record: let the reader accept them.
        ObjectMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        long attributable = 0;
        for (Case c : cases) {
            if (!c.quarantines()) {
                continue;
            }
            if (c.kind().equals("exact_duplicate")) {
                attributable++;
                continue;
            }
            boolean namesIdentity = c.expected().stream().anyMatch(e -> e.contains(":wafer_id:")
                    || e.contains(":event_time:"));
            JsonNode node;
            try {
                node = c.payload().startsWith("@") ? null : json.readTree(c.payload());
            } catch (Exception unreadable) {
                node = null;
            }
            if (!namesIdentity && node != null && node.path("wafer_id").isTextual()
                    && node.path("event_time").isTextual()) {
                attributable++;
            }
        }
        GenericRecord wx = rows.stream().filter(r -> r.get("wafer_id").toString().equals("WX")).findFirst()
                .orElseThrow();
        assertThat(attributable).as("quarantined corpus records attributable to WX").isGreaterThan(20);
        assertThat((Double) wx.get("dq_quarantine_rate")).as("WX device_count " + wx.get("device_count")
                        + ", attributable " + attributable)
                .isCloseTo((double) attributable / (aggregatedCases + attributable), within(1e-12));

        // The valid wafers' features are exactly what they are without any bad input.
        valid.sort((a, b) -> Long.compare(a.time(), b.time()));
        ExpectedFeatures model = ExpectedFeatures.compute(valid, 60_000, 30_000, 5_000);
        for (ExpectedFeatures.Row want : model.rows.values()) {
            GenericRecord got = rows.stream().filter(r -> r.get("wafer_id").toString().equals(want.wafer)
                    && r.get("window_start").equals(want.windowStart)).findFirst().orElseThrow();
            FeaturesJobRun.assertFeatures(got, want);
        }
    }

    private static String kindOf(GenericRecord v, List<Case> cases, List<String> rawOnlyKindsUsed) {
        if (v.get("rule").toString().equals(Violation.RULE_DUPLICATE)) {
            return "exact_duplicate";
        }
        Object device = v.get("device_id");
        if (device != null && device.toString().startsWith("BAD-")) {
            return device.toString().substring(4);
        }
        String raw = v.get("raw_payload") == null ? null : v.get("raw_payload").toString();
        for (Case c : cases) {
            // Several kinds can share a raw payload (an empty message and a tombstone): take each once per violation
            // set, in corpus order.
            if (c.raw().equals(raw) && !(rawOnlyKindsUsed.contains(c.kind()) && c.expected().size() == 1)) {
                rawOnlyKindsUsed.add(c.kind());
                return c.kind();
            }
        }
        throw new AssertionError("violation matches no corpus case: " + v);
    }
}
