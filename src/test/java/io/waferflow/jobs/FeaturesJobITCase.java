package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.DeviceTestParser;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The production {@code features} graph on a MiniCluster (parallelism 2) against a real Kafka broker and a real
 * redis-server: a multi-wafer input with out-of-order, late and too-late records and malformed lines goes in; the Redis
 * hashes and Parquet rows must equal what {@link ExpectedFeatures} computes from the same input in plain Java.
 */
@Timeout(300)
class FeaturesJobITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long MINUTE = 60_000;
    private static final long LATENESS = 30_000;
    private static final long BOUND = 5_000;
    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    /** Three wafers of a 6×5 die grid on two testers, interleaved by event time. */
    private static List<TestDie> wafers() {
        List<TestDie> dies = new ArrayList<>(grid(7).lot("L1")
                .wafers(2, w -> "W" + "AB".charAt(w))
                .starts(T0, 1_500)
                .dieEvery(3_000)
                .build());
        dies.addAll(grid(8).lot("L2")
                .wafers(1, w -> "WC")
                .starts(T0 + 100_000, 0)
                .dieEvery(2_000)
                .build());
        dies.sort(Comparator.comparingLong(TestDie::time));
        return dies;
    }

    /** Wafers of a 6×5 grid, a quarter of the dies failing (drawing more current), a fifth without temperature. */
    private static TestWafers grid(long seed) {
        return TestWafers.seed(seed)
                .dies(30, 6)
                .failRate(0.25)
                .failingIdd(80, 10)
                .temperature(25, 1)
                .missingTemperature(0.2)
                .testTime(120, 30);
    }

    /** Another object with the same values, so an identity set can tell it from the original. */
    private static TestDie copyOf(TestDie d) {
        return new TestDie(
                d.time(),
                d.lot(),
                d.wafer(),
                d.x(),
                d.y(),
                d.pass(),
                d.vdd(),
                d.idd(),
                d.frequency(),
                d.temperature(),
                d.testTimeMs());
    }

    private static int indexAfter(List<TestDie> arrivals, long time) {
        for (int i = 0; i < arrivals.size(); i++) {
            if (arrivals.get(i).time() > time) {
                return i;
            }
        }
        return arrivals.size();
    }

    @Test
    void featuresInRedisAndParquetEqualAnIndependentComputation() throws Exception {
        List<TestDie> arrivals = new ArrayList<>(wafers());
        // Out of order within the bound: swap a few neighbours (at most 3 s apart).
        for (int i : new int[] {5, 17, 33, 48, 70}) {
            TestDie a = arrivals.get(i);
            arrivals.set(i, arrivals.get(i + 1));
            arrivals.set(i + 1, a);
        }
        // Late but within allowed lateness: a retest of WA die (2,1) at T0+50 s (window 0), arriving after
        // event time T0+75 s, when window 0 has fired and window 1 has not.
        arrivals.add(
                indexAfter(arrivals, T0 + 75_000),
                new TestDie(T0 + 50_000, "L1", "WA", 2, 1, false, 1.31, 95.0, 1850.0, 26.0, 55.0));
        // Out of range (Vdd 1.5 V > 1.4 V): flagged, reported, and still aggregated.
        arrivals.add(
                indexAfter(arrivals, T0 + 130_000),
                new TestDie(T0 + 130_500, "L2", "WC", 5, 5, true, 1.5, 50.0, 2000.0, 25.0, 100.0));
        // Too late: a WB test from window 0 arriving after event time T0+110 s (past window end + lateness).
        arrivals.add(
                indexAfter(arrivals, T0 + 110_000),
                new TestDie(T0 + 20_500, "L1", "WB", 5, 4, true, 1.2, 50.0, 2000.0, 25.0, 100.0));

        List<byte[]> payloads = new ArrayList<>(TestDie.payloads(arrivals));
        // The model sees the same arrival order; quarantined records with a known wafer and event time count in
        // their window's quarantine rate (null: no wafer known).
        List<TestDie> modelArrivals = new ArrayList<>(arrivals);
        Set<TestDie> quarantinedInModel = Collections.newSetFromMap(new IdentityHashMap<>());
        // Malformed lines in between: they must be quarantined, never stop the job, never disturb features.
        String unparseable = "{\"event_time\":\"2026-11-27T08:00:31Z\",\"wafer_id\":\"WA\",";
        payloads.add(10, unparseable.getBytes(StandardCharsets.UTF_8));
        TestDie truncated = new TestDie(T0 + 31_000, null, "WA", 0, 0, false, 0, 0, 0, null, 0);
        modelArrivals.add(10, truncated);
        quarantinedInModel.add(truncated);
        String missingWafer =
                arrivals.get(3).json().replace("\"wafer_id\":\"WA\",", "").replace("\"wafer_id\":\"WB\",", "");
        payloads.add(40, missingWafer.getBytes(StandardCharsets.UTF_8));
        modelArrivals.add(40, null); // wafer_id missing: no window to count in
        String wrongTypePayload = arrivals.get(4).json().replaceFirst("\"vdd\":[0-9.]+", "\"vdd\":\"1.2V\"");
        payloads.add(60, wrongTypePayload.getBytes(StandardCharsets.UTF_8));
        TestDie wrongType = copyOf(arrivals.get(4));
        modelArrivals.add(60, wrongType);
        quarantinedInModel.add(wrongType);
        int malformed = 3;
        // An exact re-delivery of an earlier record, at the end: a duplicate, quarantined before any window sees it.
        TestDie duplicated = arrivals.get(50);
        payloads.add(duplicated.bytes());
        TestDie redelivered = copyOf(duplicated);
        modelArrivals.add(redelivered);
        quarantinedInModel.add(redelivered);

        ExpectedFeatures expected =
                ExpectedFeatures.compute(modelArrivals, quarantinedInModel, MINUTE, LATENESS, BOUND);
        assertThat(expected.lateWithinLateness)
                .as("fixture has one late-within-lateness record")
                .isEqualTo(1);
        assertThat(expected.tooLate).as("fixture has one too-late record").hasSize(1);

        SERVICES.kafka().createTopic("it-in", 1); // one partition: lateness is then decided by input order alone
        SERVICES.kafka().createTopic("it-violations", 2);
        SERVICES.produce("it-in", payloads);

        Path data = tmp.resolve("data");
        FeaturesJobConfig config =
                SERVICES.config(tmp, "it", "redis.ttl=1 h", "feature_group.watermark.emit=per_record");
        JobExecutionResult result = FeaturesJobRun.execute(config, "features-it");

        // Offline store: exactly one row per (wafer, window), equal to the independent computation.
        List<GenericRecord> rows = ParquetFiles.read(data.resolve("wafer_aggregates/version=v1"));
        Map<String, GenericRecord> byKey =
                rows.stream().collect(Collectors.toMap(r -> r.get("wafer_id") + "@" + r.get("window_start"), r -> r));
        assertThat(byKey).hasSameSizeAs(rows);
        assertThat(byKey.keySet()).isEqualTo(expected.rows.keySet());
        for (ExpectedFeatures.Row want : expected.rows.values()) {
            GenericRecord got = byKey.get(want.wafer + "@" + want.windowStart);
            assertThat(got.get("lot_id").toString()).isEqualTo(want.lot);
            assertThat(got.get("window_end")).isEqualTo(want.windowEnd);
            assertThat(got.get("revision"))
                    .as("revision of " + want.wafer + "@" + want.windowStart)
                    .isEqualTo(want.revision);
            assertThat(got.get("feature_version").toString()).isEqualTo("v1");
            assertThat(got.get("job_version").toString()).isEqualTo(config.jobVersion());
            FeaturesJobRun.assertFeatures(got, want);
        }
        // Partitioned by the window's event-time date.
        assertThat(ParquetFiles.committed(data.resolve("wafer_aggregates/version=v1/date=2026-11-27")))
                .isNotEmpty()
                .allSatisfy(file -> assertThat(ParquetFiles.footerMetadata(file))
                        .as("the definition its rows were computed with (docs/registry.md)")
                        .containsEntry(
                                "waferflow.definition",
                                io.waferflow.config.registry.DefinitionFingerprint.of(config)
                                        .fingerprint()));

        // Online store: each wafer's hash holds its newest window, with metadata and a TTL.
        try (Jedis jedis = SERVICES.jedis()) {
            assertThat(jedis.keys("it:wafer_aggregates:v1:*")).hasSize(3);
            for (ExpectedFeatures.Row want : expected.newestPerWafer().values()) {
                String key = "it:wafer_aggregates:v1:" + want.wafer;
                Map<String, String> hash = PackedFeatures.flatten(jedis.hgetAll(key));
                assertThat(hash.get("window_start")).isEqualTo(Long.toString(want.windowStart));
                assertThat(hash.get("window_end")).isEqualTo(Long.toString(want.windowEnd));
                assertThat(hash.get("feature_version")).isEqualTo("v1");
                assertThat(hash.get("job_version")).isEqualTo("0.2.0-SNAPSHOT");
                assertThat(hash.get("lot_id")).isEqualTo(want.lot);
                assertThat(Long.parseLong(hash.get("updated_at"))).isPositive();
                assertThat(jedis.ttl(key)).isBetween(1L, 3600L);
                for (Map.Entry<String, Double> f : want.features.entrySet()) {
                    String what = key + " " + f.getKey();
                    if (f.getValue() == null) {
                        assertThat(hash.get(f.getKey())).as(what).isEmpty();
                    } else {
                        assertThat(Double.parseDouble(hash.get(f.getKey())))
                                .as(what)
                                .isCloseTo(f.getValue(), within(1e-9));
                    }
                }
            }
        }

        // Quarantine: the malformed lines and the too-late record, with their raw payloads.
        List<GenericRecord> violations = ParquetFiles.read(data.resolve("_quarantine"));
        assertThat(violations)
                .extracting(r -> r.get("rule") + ":" + r.get("severity") + ":" + r.get("quarantined"))
                .containsExactlyInAnyOrder(
                        "unparseable:CRITICAL:true",
                        "required:CRITICAL:true",
                        "type:HIGH:true",
                        "too_late:HIGH:true",
                        "range:MEDIUM:false",
                        "duplicate:HIGH:true");
        GenericRecord duplicate = violations.stream()
                .filter(r -> r.get("rule").toString().equals("duplicate"))
                .findFirst()
                .orElseThrow();
        assertThat(duplicate.get("wafer_id").toString()).isEqualTo(duplicated.wafer());
        assertThat(duplicate.get("event_time")).isEqualTo(duplicated.time());
        GenericRecord range = violations.stream()
                .filter(r -> r.get("rule").toString().equals("range"))
                .findFirst()
                .orElseThrow();
        assertThat(range.get("wafer_id").toString()).isEqualTo("WC");
        assertThat(range.get("value").toString()).isEqualTo("1.5");
        assertThat(range.get("raw_payload"))
                .as("a flagged record goes on; no payload kept")
                .isNull();
        // The violation topic holds the same violations, read with an independent client (kcat: librdkafka, which
        // reads only committed transactions).
        assertThat(readWithKcat("it-violations"))
                .extracting(
                        j -> j.get("rule").asText() + ":" + j.get("severity").asText() + ":"
                                + j.get("quarantined").asBoolean())
                .containsExactlyInAnyOrderElementsOf(violations.stream()
                        .map(r -> r.get("rule") + ":" + r.get("severity") + ":" + r.get("quarantined"))
                        .toList());
        List<GenericRecord> quarantined =
                violations.stream().filter(r -> (Boolean) r.get("quarantined")).toList();
        // Each quarantined record keeps its payload as received, for replay after a fix (the too-late one, which
        // passed parsing, as its record re-serialized: below).
        Map<String, String> sentPayloads = Map.of(
                "unparseable",
                unparseable,
                "required",
                missingWafer,
                "type",
                wrongTypePayload,
                "duplicate",
                duplicated.json());
        assertThat(quarantined).allSatisfy(r -> {
            assertThat(r.get("quarantined")).isEqualTo(true);
            if (!r.get("rule").toString().equals("too_late")) {
                assertThat(r.get("raw_payload").toString())
                        .as(r.get("rule") + " payload")
                        .isEqualTo(sentPayloads.get(r.get("rule").toString()));
            }
        });
        GenericRecord tooLate = quarantined.stream()
                .filter(r -> r.get("rule").toString().equals("too_late"))
                .findFirst()
                .orElseThrow();
        assertThat(tooLate.get("wafer_id").toString()).isEqualTo("WB");
        assertThat(tooLate.get("event_time")).isEqualTo(T0 + 20_500);
        // Its payload is a replayable input message: parsing it gives back the record as it was sent.
        List<Violation> none = new ArrayList<>();
        DeviceTest replayed = new DeviceTestParser(config.schema(), config.quality())
                .parse(
                        tooLate.get("raw_payload").toString().getBytes(StandardCharsets.UTF_8),
                        Long.MAX_VALUE / 2,
                        none);
        assertThat(none).isEmpty();
        TestDie sent = expected.tooLate.get(0);
        assertThat(replayed.eventTime).isEqualTo(sent.time());
        assertThat(replayed.deviceId).isEqualTo("WB-5-4");
        assertThat(replayed.parameters).containsExactly(sent.vdd(), sent.idd(), sent.frequency(), sent.temperature());

        // Raw archive: every record that passed parsing, as received: too-late ones and the re-delivery included.
        List<GenericRecord> raw = ParquetFiles.read(data.resolve("raw"));
        List<TestDie> received = new ArrayList<>(arrivals);
        received.add(duplicated);
        assertThat(raw)
                .extracting(r -> r.get("wafer_id") + "/" + r.get("die_x") + "," + r.get("die_y") + "@"
                        + r.get("event_time") + " pass=" + r.get("pass_fail") + " vdd=" + r.get("vdd") + " t="
                        + r.get("temperature"))
                .containsExactlyInAnyOrderElementsOf(received.stream()
                        .map(d -> d.wafer() + "/" + d.x() + "," + d.y() + "@" + d.time() + " pass=" + (d.pass() ? 1 : 0)
                                + " vdd=" + d.vdd() + " t=" + d.temperature())
                        .toList());

        // Accounting: every input record ended aggregated or quarantined, exactly once.
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long in = (Long) acc.get(PipelineCounter.RECORDS_IN);
        long quarantinedCount = (Long) acc.get(PipelineCounter.RECORDS_QUARANTINED);
        long aggregated =
                rows.stream().mapToLong(r -> (Long) r.get("device_count")).sum();
        assertThat(in).isEqualTo(payloads.size());
        assertThat(quarantinedCount).isEqualTo(malformed + 2); // + too late + duplicate
        assertThat(aggregated + quarantinedCount).isEqualTo(in);
        assertThat((Long) acc.get(PipelineCounter.RECORDS_TOO_LATE)).isEqualTo(1L);
        assertThat((Long) acc.get(PipelineCounter.LATE_WINDOW_UPDATES))
                .isEqualTo((long) (expected.lateWithinLateness + expected.lateQuarantined));
        assertThat(acc.get(PipelineCounter.violationsOfSeverity(Severity.CRITICAL.name())))
                .isEqualTo(2L);
        assertThat(acc.get(PipelineCounter.violationsOfSeverity(Severity.HIGH.name())))
                .isEqualTo(3L);
        assertThat(acc.get(PipelineCounter.RECORDS_DUPLICATE)).isEqualTo(1L);
        assertThat(acc.get(PipelineCounter.violationsOfSeverity(Severity.MEDIUM.name())))
                .isEqualTo(1L);
    }

    /**
     * Per-partition watermarks: six wafers, each keyed to one of three partitions and in event-time order there, all
     * produced before the job starts (a backlog). One source subtask reads two partitions; if it merged them before
     * assigning watermarks, whole batches of one partition would look late behind the other. None may.
     */
    @Test
    void inOrderPartitionsReadFromABacklogProduceNoLateRecords() throws Exception {
        List<TestDie> dies = TestWafers.seed(11)
                .lot("L3")
                .wafers(6, "WP%d")
                .dies(150, 15)
                .starts(T0, 20_000)
                .dieEvery(2_000)
                .failRate(0.2)
                .testTime(100, 50)
                .build();
        SERVICES.createTopics("it-partitioned", 3);
        SERVICES.produce(
                "it-partitioned-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber() % 3);

        Path data = tmp.resolve("data");
        FeaturesJobConfig config = SERVICES.config(tmp, "it-partitioned");
        Map<String, Object> acc =
                FeaturesJobRun.execute(config, "features-it-partitioned").getAllAccumulatorResults();

        assertThat(acc.get(PipelineCounter.RECORDS_IN)).isEqualTo((long) dies.size());
        assertThat(acc.get(PipelineCounter.RECORDS_TOO_LATE)).as("too late").isEqualTo(0L);
        assertThat(acc.get(PipelineCounter.LATE_WINDOW_UPDATES))
                .as("late window updates")
                .isEqualTo(0L);
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, MINUTE, LATENESS, BOUND);
        List<GenericRecord> rows = ParquetFiles.read(data.resolve("wafer_aggregates/version=v1"));
        assertThat(rows)
                .extracting(r -> r.get("wafer_id") + "@" + r.get("window_start") + " n=" + r.get("device_count")
                        + " yield=" + r.get("yield_pct"))
                .containsExactlyInAnyOrderElementsOf(expected.rows.values().stream()
                        .map(r -> r.wafer + "@"
                                + r.windowStart + " n="
                                + r.features.get("device_count").longValue() + " yield="
                                + r.features.get("yield_pct"))
                        .toList());
    }

    /** Sliding windows (2 min every 1 min) through the whole job, against the same independent model. */
    @Test
    void slidingWindowsEqualTheIndependentComputation() throws Exception {
        List<TestDie> dies = TestWafers.seed(13)
                .lot("LS")
                .wafers(4, "WS%d")
                .dies(60, 8)
                .starts(T0, 500)
                .dieEvery(4_000)
                .failRate(0.25)
                .missingTemperature(0.1)
                .testTime(110)
                .build();
        SERVICES.createTopics("it-sliding", 1);
        SERVICES.produce("it-sliding-in", TestDie.payloads(dies));

        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "it-sliding",
                "feature_group.window.type=sliding",
                "feature_group.window.size=2 min",
                "feature_group.window.slide=1 min",
                "feature_group.watermark.emit=per_record");
        FeaturesJobRun.execute(config, "features-it-sliding");

        ExpectedFeatures expected = ExpectedFeatures.computeSliding(dies, 2 * MINUTE, MINUTE);
        FeaturesJobRun.assertWindowsEqualModel(
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"),
                expected.rows,
                "sliding");
    }

    private static List<JsonNode> readWithKcat(String topic) throws Exception {
        Process kcat = new ProcessBuilder(
                        "kcat",
                        "-b",
                        SERVICES.kafka().bootstrapServers(),
                        "-t",
                        topic,
                        "-C",
                        "-o",
                        "beginning",
                        "-e",
                        "-q",
                        "-X",
                        "isolation.level=read_committed")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
        assertThat(kcat.exitValue())
                .as("kcat exit code (is kcat installed? .ci/run installs it)")
                .isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> messages = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                messages.add(json.readTree(line));
            }
        }
        return messages;
    }
}
