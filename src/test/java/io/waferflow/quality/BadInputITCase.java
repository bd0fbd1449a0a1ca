package io.waferflow.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.Violation;
import io.waferflow.testing.BadInputCorpus;
import io.waferflow.testing.BadInputCorpus.Case;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/corpus.tsv}, one kind per line with the violations it must
 * raise) mixed into valid traffic and run through the real job against real Kafka: every kind gets exactly its
 * violations and routing, the job never fails, nothing goes missing, and the valid wafers' features are what they would
 * be without the bad input.
 */
@Timeout(300)
class BadInputITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    @Test
    void everyKindOfBadInputGetsItsViolationAndRoutingAndValidFeaturesAreUnaffected() throws Exception {
        List<Case> cases = BadInputCorpus.read();
        assertThat(cases.stream().filter(c -> !c.expected().isEmpty()).count())
                .as("kinds of bad input")
                .isGreaterThanOrEqualTo(30);

        // Valid traffic: two wafers of 30 dies, after the corpus, in order.
        List<TestDie> valid = TestWafers.seed(3)
                .lot("LV")
                .wafers(2, w -> "WV" + (w + 1))
                .dies(30, 6)
                .starts(T0 + 10_000, 1_000)
                .dieEvery(3_000)
                .failRate(0.2)
                .missingTemperature(0.2)
                .testTime(120)
                .build();

        SERVICES.createTopics("bad-input", 1);
        List<byte[]> payloads = new ArrayList<>();
        cases.forEach(c -> payloads.add(c.bytes()));
        payloads.addAll(TestDie.payloads(valid));
        SERVICES.produce("bad-input-in", payloads);

        Path data = tmp.resolve("data");
        // The corpus judges future timestamps against the Kafka timestamp: keep the shipped skew limit.
        FeaturesJobConfig config = SERVICES.config(
                tmp, "bad-input", "quality.event_time.max_future_skew=1 h", "feature_group.watermark.emit=per_record");
        Map<String, Object> acc = FeaturesJobRun.execute(config, "bad-input-it").getAllAccumulatorResults();

        // Each violation back to its kind: by device id where the record had one, else by its raw payload.
        List<GenericRecord> violations = ParquetFiles.read(data.resolve("_quarantine"));
        Map<String, List<String>> actual = new TreeMap<>();
        Map<String, Boolean> quarantinedByKind = new TreeMap<>();
        List<String> rawOnlyKinds = new ArrayList<>();
        Map<String, String> raws = new LinkedHashMap<>();
        cases.forEach(c -> raws.put(c.kind(), c.raw()));
        for (GenericRecord v : violations) {
            String kind = kindOf(v, cases, raws, rawOnlyKinds);
            actual.computeIfAbsent(kind, k -> new ArrayList<>())
                    .add(v.get("rule") + ":" + v.get("field") + ":" + v.get("severity"));
            quarantinedByKind.merge(kind, (Boolean) v.get("quarantined"), (a, b) -> a && b);
        }
        Map<String, List<String>> expected = new TreeMap<>();
        for (Case c : cases) {
            if (!c.expected().isEmpty()) {
                expected.put(c.kind(), c.expected().stream().sorted().toList());
                assertThat(quarantinedByKind.get(c.kind()))
                        .as("routing of " + c.kind())
                        .isEqualTo(c.quarantines());
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
        Map<String, Long> devicesByWafer = rows.stream()
                .collect(Collectors.groupingBy(
                        r -> r.get("wafer_id").toString(), LinkedHashMap::new, Collectors.summingLong(r ->
                                (Long) r.get("device_count"))));
        assertThat(devicesByWafer.get("WX"))
                .as("flagged and clean corpus records are aggregated")
                .isEqualTo(aggregatedCases);
        assertThat(devicesByWafer.values().stream().mapToLong(Long::longValue).sum() + quarantinedCases)
                .isEqualTo(cases.size() + valid.size());

        // The corpus wafer's window counts its quarantined records whose wafer and event time were read without
        // fault (named by none of the expected violations, and read here with Jackson's streaming parser before any
        // error in the message), and the duplicate. Messages over the size limit are not read at all.
        long attributable = 0;
        for (Case c : cases) {
            if (!c.quarantines()) {
                continue;
            }
            if (c.kind().equals("exact_duplicate")) {
                attributable++;
                continue;
            }
            boolean namesIdentity =
                    c.expected().stream().anyMatch(e -> e.contains(":wafer_id:") || e.contains(":event_time:"));
            byte[] bytes = c.bytes();
            if (!namesIdentity
                    && bytes != null
                    && bytes.length <= config.quality().maxRecordBytes()
                    && identityBeforeAnyFault(bytes)) {
                attributable++;
            }
        }
        GenericRecord wx = rows.stream()
                .filter(r -> r.get("wafer_id").toString().equals("WX"))
                .findFirst()
                .orElseThrow();
        assertThat(attributable)
                .as("quarantined corpus records attributable to WX")
                .isGreaterThan(20);
        assertThat((Double) wx.get("dq_quarantine_rate"))
                .as("WX device_count " + wx.get("device_count") + ", attributable " + attributable)
                .isCloseTo((double) attributable / (aggregatedCases + attributable), within(1e-12));

        // The valid wafers' features are exactly what they are without any bad input.
        valid.sort((a, b) -> Long.compare(a.time(), b.time()));
        ExpectedFeatures model = ExpectedFeatures.compute(valid, 60_000, 30_000, 5_000);
        for (ExpectedFeatures.Row want : model.rows.values()) {
            GenericRecord got = rows.stream()
                    .filter(r -> r.get("wafer_id").toString().equals(want.wafer)
                            && r.get("window_start").equals(want.windowStart))
                    .findFirst()
                    .orElseThrow();
            FeaturesJobRun.assertFeatures(got, want);
        }
    }

    /**
     * True if a top-level textual wafer_id and event_time come before anything Jackson cannot read. Bytes that are not
     * UTF-8 read as U+FFFD here; NaN and Infinity, long numbers and deep nesting are readable JSON values.
     */
    private static boolean identityBeforeAnyFault(byte[] bytes) {
        JsonFactory lenient = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxNestingDepth(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build())
                .build();
        boolean wafer = false;
        boolean eventTime = false;
        try (JsonParser p = lenient.createParser(new String(bytes, StandardCharsets.UTF_8))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                wafer |= name.equals("wafer_id") && value == JsonToken.VALUE_STRING;
                eventTime |= name.equals("event_time") && value == JsonToken.VALUE_STRING;
                p.skipChildren();
            }
        } catch (IOException fault) {
            // What was read before it counts.
        }
        return wafer && eventTime;
    }

    private static String kindOf(
            GenericRecord v, List<Case> cases, Map<String, String> raws, List<String> rawOnlyKindsUsed) {
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
            if (raws.get(c.kind()).equals(raw)
                    && !(rawOnlyKindsUsed.contains(c.kind()) && c.expected().size() == 1)) {
                rawOnlyKindsUsed.add(c.kind());
                return c.kind();
            }
        }
        throw new AssertionError("violation matches no corpus case: " + v);
    }
}
