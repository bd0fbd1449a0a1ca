package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.ExpectedFeatures.Arrival;
import io.waferflow.testing.ExpectedFeatures.Windows;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 11 §4: the demo's traffic generator at realistic bad and late rates on four partitions, through the production
 * job, against the independent model ({@link ExpectedFeatures}), with the cases the smaller fixtures avoid: records
 * that arrive after their window fired and after a newer window of their wafer was written (within lateness: the window
 * re-fires; beyond it: too late), wafer windows with more than 1,024 values of a parameter (quantiles from the KLL
 * sketch, checked against the true ranks), session windows, and malformed, re-delivered and late records on every
 * partition at once. Every feature row, the online row of every wafer, every violation (topic, read committed, and
 * quarantine) and the raw archive are compared with what the test computes from the messages it sent.
 *
 * <p><b>Making four partitions deterministic.</b> The job's watermark is the smallest of the partitions' watermarks, so
 * whether a record is late depends on how far the other partitions have been read, which is timing. The test therefore
 * sends the traffic in phases of one window (5 minutes of event time): each phase ends with a clock record on every
 * partition at the window's end plus the out-of-orderness bound, and a probe record whose window fires exactly when all
 * four clocks have been read; the next phase goes out once the probe's row is online. The job reads all four partitions
 * with one source reader (one channel into each keyed subtask, so records cannot overtake the watermark the probe
 * proved; the reader registers all four partitions' watermarks when it is assigned them, so from the first record on
 * the job's watermark waits for the slowest), and the generator's held-back records go out at the start of the next
 * phase, where every partition's watermark is pinned at the window end whatever the interleaving. Within a phase the
 * interleaving of the partitions is left to Kafka and Flink, and the model is computed for each partition first and
 * each last: equal results mean no interleaving changes them. (The generator's held-back records are delayed by 7.5
 * minutes of event time; released at the next phase boundary, those of a window's first half are late within the
 * 7-minute lateness and those of its second half too late.)
 */
@Timeout(600)
class RealisticTrafficITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final int PARTITIONS = 4;
    private static final long WINDOW = 300_000;
    private static final long LATENESS = 420_000;
    private static final long GAP = 120_000;
    private static final long BOUND = 10_000;
    private static final int RECORDS = 40_000;
    /** Values of a parameter a window keeps exactly (QuantileSketches.EXACT_VALUES); beyond, a KLL sketch (k 200). */
    private static final int EXACT_VALUES = 1024;

    private static final String PROBE = "PROBE";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    @TempDir
    Path tmp;

    @Test
    void tumblingWindowsOnFourPartitionsEqualTheModel() throws Exception {
        run("tumbling", Windows.tumbling(WINDOW), "feature_group.window.type=tumbling");
    }

    @Test
    void sessionWindowsOnFourPartitionsEqualTheModel() throws Exception {
        run("session", Windows.session(GAP), "feature_group.window.type=session", "feature_group.window.gap=2 min");
    }

    private void run(String name, Windows windows, String... windowSettings) throws Exception {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.seed = 11;
        // ~2,800 dies a wafer, ~7 minutes on a tester: a wafer spans two or three 5-minute windows (a late record can
        // find a newer window of its wafer written), and its windows hold more than 1,024 values of a parameter.
        settings.waferDiameter = 60;
        // A few times the demo's 0.2 % and 0.1 %, so that every kind of bad record and both kinds of late record
        // occur on every partition in 40,000 records.
        settings.badRecordRate = 0.006;
        settings.lateRecordRate = 0.004;
        settings.lateDelayMillis = 450_000;
        long start = settings.startMillis;
        Traffic traffic = Traffic.of(new WaferTrafficGenerator(settings).take(RECORDS), start);

        List<ExpectedFeatures> models = new ArrayList<>();
        for (int first = 0; first < PARTITIONS; first++) {
            models.add(ExpectedFeatures.simulate(traffic.arrivals(first), PARTITIONS, windows, LATENESS, BOUND));
        }
        ExpectedFeatures model = models.get(0);
        for (int i = 1; i < PARTITIONS; i++) {
            assertSameModel(models.get(i), model, "partition " + i + " read first");
        }
        assertFixtureHasTheHardCases(traffic, model, windows);

        SERVICES.createTopics(name, PARTITIONS);
        List<String> overrides = new ArrayList<>(List.of(windowSettings));
        overrides.addAll(List.of(
                "feature_group.window.size=5 min",
                "feature_group.window.allowed_lateness=7 min",
                "feature_group.watermark.out_of_orderness=10 s",
                "feature_group.watermark.emit=per_record",
                // Idleness is processing time: a partition waiting for the next phase must not stop counting.
                "feature_group.watermark.idleness=1 h",
                // One reader for the four partitions: see the class comment.
                "kafka.source_parallelism=1",
                "checkpointing.interval=1 s"));
        FeaturesJobConfig config = SERVICES.config(tmp, name, overrides.toArray(new String[0]));
        Configuration flink = FeaturesJobRun.flinkConfiguration(config);
        JobClient job = FeaturesJobRun.start(config, "realistic-" + name, flink, FeaturesJobSinks.production(config));
        JobExecutionResult result;
        try (Jedis jedis = SERVICES.jedis()) {
            for (Phase phase : traffic.phases) {
                for (int p = 0; p < PARTITIONS; p++) {
                    int partition = p;
                    SERVICES.produce(
                            name + "-in",
                            phase.byPartition.get(p).stream()
                                    .map(m -> m.payload)
                                    .toList(),
                            i -> partition);
                }
                awaitProbe(job, jedis, name, phase.end);
            }
            // Everything sent has been read (the last probe fired): drain, so every window fires and every file and
            // transaction commits.
            result = FeaturesJobRun.drain(job, tmp.resolve("drained"));
        } catch (Exception | AssertionError e) {
            if (!job.getJobStatus().get().isTerminalState()) {
                job.cancel().get(1, TimeUnit.MINUTES); // its slots are the next test's
            }
            throw e;
        }

        // Offline: one row per window, equal to the model.
        Map<String, Map<String, Object>> rows =
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id");
        assertThat(rows.keySet()).as("offline rows").isEqualTo(model.rows.keySet());
        int sketched = 0;
        for (ExpectedFeatures.Row want : model.rows.values()) {
            Map<String, Object> got = rows.get(want.wafer + "@" + want.windowStart);
            assertThat(got.get("window_end")).isEqualTo(want.windowEnd);
            assertThat(got.get("revision"))
                    .as(want.wafer + "@" + want.windowStart + " revision")
                    .isEqualTo(want.revision);
            sketched += assertFeatures(want, got);
        }
        assertThat(sketched).as("quantiles that came from a KLL sketch").isGreaterThan(0);

        // Online: each wafer's newest window, as its last firing left it.
        try (Jedis jedis = SERVICES.jedis()) {
            for (ExpectedFeatures.Row want : model.newestPerWafer().values()) {
                Map<String, String> hash =
                        PackedFeatures.flatten(jedis.hgetAll(name + ":wafer_aggregates:v1:" + want.wafer));
                assertThat(hash.get("window_end")).as(want.wafer).isEqualTo(Long.toString(want.windowEnd));
                assertThat(hash.get("revision")).as(want.wafer).isEqualTo(Integer.toString(want.revision));
                Map<String, Object> values = new HashMap<>();
                hash.forEach((k, v) -> values.put(k, v.isEmpty() ? null : v));
                assertFeatures(want, values);
            }
        }

        // Violations: what the test's reading of the contract says each message raises, plus duplicates and too-late
        // records as the model found them; on the topic (read committed) and in the quarantine alike.
        List<String> wantViolations = new ArrayList<>(traffic.parseViolations());
        model.tooLate.forEach(d -> wantViolations.add("too_late " + d.wafer() + " " + d.time() + " true"));
        List<String> quarantine = ParquetFiles.read(tmp.resolve("data/_quarantine")).stream()
                .map(r -> r.get("rule") + " " + r.get("wafer_id") + " " + r.get("event_time") + " "
                        + r.get("quarantined"))
                .toList();
        assertThat(quarantine).as("Parquet quarantine").containsExactlyInAnyOrderElementsOf(wantViolations);
        List<String> onTopic = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted(name + "-violations")) {
            JsonNode v = JSON.readTree(r.value());
            onTopic.add(v.path("rule").asText() + " "
                    + (v.path("wafer_id").isNull() ? "null" : v.path("wafer_id").asText())
                    + " "
                    + (v.path("event_time").isNull()
                            ? "null"
                            : v.path("event_time").asText()) + " "
                    + v.path("quarantined").asBoolean());
        }
        assertThat(onTopic).as("violation topic, read committed").containsExactlyInAnyOrderElementsOf(wantViolations);

        // Raw archive: every message that passed parsing, re-deliveries and too-late ones included.
        assertThat(ParquetFiles.read(tmp.resolve("data/raw")).stream()
                        .map(r -> r.get("device_id") + "@" + r.get("event_time"))
                        .toList())
                .as("raw archive")
                .containsExactlyInAnyOrderElementsOf(traffic.passedParsing());

        // The job's own accounting agrees.
        Map<String, Object> acc = result.getAllAccumulatorResults();
        assertThat(acc.get(PipelineCounter.RECORDS_IN)).isEqualTo((long) traffic.sent());
        assertThat(acc.get(PipelineCounter.RECORDS_TOO_LATE)).isEqualTo((long) model.tooLate.size());
        assertThat(acc.get(PipelineCounter.RECORDS_DUPLICATE)).isEqualTo((long) traffic.duplicates);
        assertThat(acc.get(PipelineCounter.LATE_WINDOW_UPDATES)).isEqualTo((long) model.lateWindowUpdates);
        assertThat(acc.get(PipelineCounter.NEIGHBOUR_RECOMPUTED_ROWS)).isEqualTo((long) model.neighbourRecomputes);
        System.out.printf(
                "RealisticTrafficITCase %s: %d messages on %d partitions, %d rows (%d revised, %d with "
                        + "sketched quantiles, %d re-emitted for a late neighbour), %d late within lateness "
                        + "(%d after a newer window), %d too late, %d duplicates, %d violations%n",
                name,
                traffic.sent(),
                PARTITIONS,
                model.rows.size(),
                model.rows.values().stream().filter(r -> r.revision > 0).count(),
                sketched,
                model.neighbourRecomputes,
                model.lateWithinLateness,
                model.lateAfterNewerWindow.size(),
                model.tooLate.size(),
                traffic.duplicates,
                wantViolations.size());
    }

    /** Waits until the phase's probe window is online: the job's watermark has reached the phase's end. */
    private static void awaitProbe(JobClient job, Jedis jedis, String prefix, long phaseEnd) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String key = prefix + ":wafer_aggregates:v1:" + PROBE;
        while (!Objects.equals(jedis.hget(key, "window_end"), Long.toString(phaseEnd))) {
            assertThat(job.getJobStatus().get().isTerminalState())
                    .as("the job ended")
                    .isFalse();
            assertThat(System.nanoTime())
                    .as("the probe of the phase ending " + Instant.ofEpochMilli(phaseEnd) + " online within 2 minutes")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * Compares a row's features with the model's; returns how many quantiles came from a sketch. Those are checked by
     * rank: the job's value must be one of the window's values, and its rank within twice the sketch's normalized rank
     * error of the asked one (DataSketches gives the error at 99 % confidence; twice it leaves a tail far below one in
     * a million per quantile).
     */
    private static int assertFeatures(ExpectedFeatures.Row want, Map<String, Object> got) {
        double epsilon = KllDoublesSketch.getNormalizedRankError(200, false);
        int sketched = 0;
        String at = want.wafer + "@" + Instant.ofEpochMilli(want.windowStart) + " ";
        for (Map.Entry<String, Double> f : want.features.entrySet()) {
            String feature = f.getKey();
            Object value = got.get(feature);
            int parameter = parameterOfQuantile(feature);
            if (parameter >= 0 && want.sortedValues(parameter).length > EXACT_VALUES) {
                double[] values = want.sortedValues(parameter);
                double rank = feature.endsWith("_p50") ? 0.5 : 0.95;
                double v = number(value);
                int below = 0;
                int atMost = 0;
                boolean present = false;
                for (double x : values) {
                    below += x < v ? 1 : 0;
                    atMost += x <= v ? 1 : 0;
                    present |= x == v;
                }
                assertThat(present)
                        .as(at + feature + " = " + v + " is one of the window's values")
                        .isTrue();
                assertThat((double) atMost / values.length)
                        .as(at + feature + " rank (upper)")
                        .isGreaterThanOrEqualTo(rank - 2 * epsilon);
                assertThat((double) below / values.length)
                        .as(at + feature + " rank (lower)")
                        .isLessThanOrEqualTo(rank + 2 * epsilon);
                sketched++;
            } else if (f.getValue() == null) {
                assertThat(value).as(at + feature).isNull();
            } else {
                assertThat(number(value)).as(at + feature).isCloseTo(f.getValue(), within(1e-9));
            }
        }
        return sketched;
    }

    private static int parameterOfQuantile(String feature) {
        for (int p = 0; p < ExpectedFeatures.PARAMETERS.length; p++) {
            if (feature.equals(ExpectedFeatures.PARAMETERS[p] + "_p50")
                    || feature.equals(ExpectedFeatures.PARAMETERS[p] + "_p95")) {
                return p;
            }
        }
        return -1;
    }

    private static double number(Object v) {
        assertThat(v).isNotNull();
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
    }

    private static void assertSameModel(ExpectedFeatures other, ExpectedFeatures model, String how) {
        assertThat(other.rows.keySet()).as(how + ": windows").isEqualTo(model.rows.keySet());
        for (String k : model.rows.keySet()) {
            assertThat(other.rows.get(k).revision)
                    .as(how + ": revision of " + k)
                    .isEqualTo(model.rows.get(k).revision);
            assertThat(other.rows.get(k).features)
                    .as(how + ": features of " + k)
                    .isEqualTo(model.rows.get(k).features);
        }
        assertThat(other.tooLate).as(how + ": too late").containsExactlyInAnyOrderElementsOf(model.tooLate);
        assertThat(other.lateWindowUpdates).as(how + ": late window updates").isEqualTo(model.lateWindowUpdates);
        assertThat(other.neighbourRecomputes).as(how + ": neighbour recomputes").isEqualTo(model.neighbourRecomputes);
        assertThat(other.markersTooLate).as(how + ": markers too late").isEqualTo(model.markersTooLate);
    }

    /** The fixture really has what this test is for, on more than one partition. */
    private static void assertFixtureHasTheHardCases(Traffic traffic, ExpectedFeatures model, Windows windows) {
        Set<Integer> lateAfterNewer =
                model.lateAfterNewerWindow.stream().map(Arrival::partition).collect(Collectors.toSet());
        Map<String, Integer> partitionOfWafer = traffic.partitionOfWafer;
        Set<Integer> tooLate =
                model.tooLate.stream().map(d -> partitionOfWafer.get(d.wafer())).collect(Collectors.toSet());
        Set<Integer> lateWithin = new HashSet<>();
        Map<TestDie, Integer> heldBack = new HashMap<>();
        traffic.messages.stream()
                .filter(m -> m.heldBack && m.passesParsing)
                .forEach(m -> heldBack.put(m.die, m.partition));
        heldBack.forEach((d, p) -> {
            if (!model.tooLate.contains(d)) {
                lateWithin.add(p);
            }
        });
        Set<Integer> bad = traffic.messages.stream()
                .filter(m -> m.quarantinedByParser)
                .map(m -> m.partition)
                .collect(Collectors.toSet());
        assertThat(lateWithin)
                .as("partitions with records late within lateness")
                .hasSizeGreaterThanOrEqualTo(2);
        if (!windows.session()) {
            assertThat(lateAfterNewer)
                    .as("partitions with a record re-firing its window after a newer window of its "
                            + "wafer was written")
                    .hasSizeGreaterThanOrEqualTo(2);
            // (A session ends two minutes after its wafer's last die: the records held back 7.5 minutes from the
            // first 12 minutes all find their session within its lateness.)
            assertThat(tooLate).as("partitions with too-late records").hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(bad).as("partitions with malformed records").hasSize(PARTITIONS);
        assertThat(traffic.duplicates).as("re-deliveries").isGreaterThan(0);
        assertThat(traffic.rulesRaised())
                .as("rules raised by the generator's bad records")
                .contains("unparseable", "not_an_object", "type", "required", "non_finite", "range");
        long sketchedWindows = model.rows.values().stream()
                .filter(r -> r.sortedValues(0).length > EXACT_VALUES)
                .count();
        assertThat(sketchedWindows)
                .as("windows with more than 1,024 values (KLL sketch)")
                .isGreaterThanOrEqualTo(3);
        if (windows.session()) {
            assertThat(model.rows.values().stream().filter(r -> r.revision > 0).count())
                    .as("revised sessions")
                    .isGreaterThan(0);
        }
    }

    /** One message and what the test's reading of the input contract says about it. */
    private static final class Message {
        byte[] payload;
        int partition;
        String wafer;
        String lot;
        Long time;
        String device;
        /** Its record if it passes parsing (valid or only flagged); else a stand-in with its wafer and time. */
        TestDie die;

        boolean passesParsing;
        boolean quarantinedByParser;
        boolean attributable;
        boolean heldBack;
        final List<String> rules = new ArrayList<>();
    }

    /** What one phase sends: every partition's messages in order. */
    private static final class Phase {
        final long end;
        final List<List<Message>> byPartition = new ArrayList<>();

        Phase(long end) {
            this.end = end;
            for (int p = 0; p < PARTITIONS; p++) {
                byPartition.add(new ArrayList<>());
            }
        }
    }

    /** The generator's messages classified, cut into phases, plus the probe and clock records. */
    private static final class Traffic {
        private static final Pattern WAFER = Pattern.compile("\"wafer_id\":\"(W?T?(\\d+)[^\"]*)\"");
        private static final Pattern LOT = Pattern.compile("\"lot_id\":\"([^\"]*)\"");
        private static final Pattern TIME = Pattern.compile("\"event_time\":(?:\"([^\"]+)\"|(\\d+))[,}]");

        final List<Message> messages = new ArrayList<>();
        final List<Phase> phases = new ArrayList<>();
        final Map<String, Integer> partitionOfWafer = new HashMap<>();
        int duplicates;

        static Traffic of(List<byte[]> payloads, long start) throws Exception {
            Traffic t = new Traffic();
            long newest = Long.MIN_VALUE;
            for (byte[] payload : payloads) {
                Message m = classify(payload);
                // The generator holds records back by minutes; swapped neighbours are a second apart at most.
                m.heldBack = m.time != null && m.time < newest - 60_000;
                if (m.time != null) {
                    newest = Math.max(newest, m.time);
                }
                t.partitionOfWafer.put(m.wafer, m.partition);
                t.messages.add(m);
            }
            t.cut(start);
            t.findDuplicates();
            return t;
        }

        /**
         * Phase k holds the on-time messages up to the last one before the window end e_k, then a probe record (in the
         * window ending e_k, on partition 0) and on every partition a clock record at e_k + bound (so every partition's
         * watermark reaches e_k - 1 once its clock is read, and the probe's window fires). The held-back messages the
         * generator sent among phase k's go first in phase k + 1. A last phase sends only clocks.
         */
        private void cut(long start) {
            int[] lastBefore = new int[1];
            int index = 0;
            long end = start + WINDOW;
            int k = 1;
            List<Message> pendingLate = new ArrayList<>();
            while (index < messages.size()) {
                long e = end;
                lastBefore[0] = -1;
                for (int i = index; i < messages.size(); i++) {
                    Message m = messages.get(i);
                    if (!m.heldBack && m.time != null && m.time < e) {
                        lastBefore[0] = i;
                    }
                }
                if (lastBefore[0] < 0
                        && messages.subList(index, messages.size()).stream().allMatch(m -> m.heldBack)) {
                    // Only held-back messages left: they go out with the last phase.
                    pendingLate.addAll(messages.subList(index, messages.size()));
                    break;
                }
                Phase phase = new Phase(e);
                for (Message m : pendingLate) {
                    phase.byPartition.get(m.partition).add(m);
                }
                pendingLate = new ArrayList<>();
                for (int i = index; i <= lastBefore[0]; i++) {
                    Message m = messages.get(i);
                    if (m.heldBack) {
                        pendingLate.add(m);
                    } else {
                        assertThat(m.time == null || m.time < e + BOUND)
                                .as("on-time message before its clock")
                                .isTrue();
                        phase.byPartition.get(m.partition).add(m);
                    }
                }
                index = Math.max(index, lastBefore[0] + 1);
                addProbeAndClocks(phase, k);
                phases.add(phase);
                end += WINDOW;
                k++;
            }
            Phase last = new Phase(end);
            for (Message m : pendingLate) {
                last.byPartition.get(m.partition).add(m);
            }
            addProbeAndClocks(last, k);
            phases.add(last);
        }

        private static void addProbeAndClocks(Phase phase, int k) {
            phase.byPartition.get(0).add(synthetic(PROBE, k, phase.end - GAP, 0));
            for (int p = 0; p < PARTITIONS; p++) {
                phase.byPartition.get(p).add(synthetic("CLOCK" + p, k, phase.end + BOUND, p));
            }
        }

        private static Message synthetic(String wafer, int k, long time, int partition) {
            TestDie d = new TestDie(time, "LSYNTH", wafer, k, 0, true, 1.2, 50, 2000, 25.0, 100);
            Message m = new Message();
            m.payload = d.json().getBytes(StandardCharsets.UTF_8);
            m.partition = partition;
            m.wafer = wafer;
            m.lot = d.lot();
            m.time = time;
            m.device = wafer + "-" + k + "-0";
            m.die = d;
            m.passesParsing = true;
            return m;
        }

        /** In the order each partition is sent: a second record of the same (wafer, device, event time). */
        private void findDuplicates() {
            Set<String> seen = new HashSet<>();
            for (Phase phase : phases) {
                for (List<Message> partition : phase.byPartition) {
                    for (Message m : partition) {
                        if (m.passesParsing && !seen.add(m.wafer + "|" + m.device + "@" + m.time)) {
                            m.rules.add("duplicate");
                            duplicates++;
                        }
                    }
                }
            }
        }

        private boolean isDuplicate(Message m) {
            return m.rules.contains("duplicate");
        }

        /** Arrivals in one interleaving: per phase, the partitions' messages one partition after the other. */
        List<Arrival> arrivals(int firstPartition) {
            List<Arrival> out = new ArrayList<>();
            for (Phase phase : phases) {
                for (int i = 0; i < PARTITIONS; i++) {
                    int p = (firstPartition + i) % PARTITIONS;
                    for (Message m : phase.byPartition.get(p)) {
                        if (m.passesParsing && !isDuplicate(m)) {
                            out.add(new Arrival(p, m.die, false));
                        } else if (m.attributable || isDuplicate(m)) {
                            out.add(new Arrival(p, m.die, true));
                        }
                    }
                }
            }
            return out;
        }

        int sent() {
            return phases.stream()
                    .mapToInt(ph -> ph.byPartition.stream().mapToInt(List::size).sum())
                    .sum();
        }

        List<String> parseViolations() {
            List<String> out = new ArrayList<>();
            for (Phase phase : phases) {
                for (List<Message> partition : phase.byPartition) {
                    for (Message m : partition) {
                        for (String rule : m.rules) {
                            // The parser reports a record's identity as far as it read it: all of it, except in
                            // a message that is not an object. Its violations are quarantined when any is
                            // (flagged-only records go on); a duplicate is quarantined by the duplicate check.
                            boolean known = !m.rules.contains("not_an_object");
                            boolean quarantined = rule.equals("duplicate") || m.quarantinedByParser;
                            out.add(rule + " " + (known ? m.wafer : "null") + " "
                                    + (known && m.time != null ? m.time : "null") + " " + quarantined);
                        }
                    }
                }
            }
            return out;
        }

        Set<String> rulesRaised() {
            return messages.stream().flatMap(m -> m.rules.stream()).collect(Collectors.toCollection(TreeSet::new));
        }

        List<String> passedParsing() {
            List<String> out = new ArrayList<>();
            for (Phase phase : phases) {
                for (List<Message> partition : phase.byPartition) {
                    for (Message m : partition) {
                        if (m.passesParsing) {
                            out.add(m.device + "@" + m.time);
                        }
                    }
                }
            }
            return out;
        }

        /**
         * The input contract (docs/pipeline.md "Data contract", jobs/features.yaml) read independently of the job's
         * parser: what is malformed (quarantined), what is only out of range (flagged), and what identity is readable.
         */
        private static Message classify(byte[] payload) throws Exception {
            Message m = new Message();
            m.payload = payload;
            String text = new String(payload, StandardCharsets.UTF_8);
            Matcher wafer = WAFER.matcher(text);
            assertThat(wafer.find())
                    .as("every generated message names its wafer: " + text)
                    .isTrue();
            m.wafer = wafer.group(1);
            // Testers T01..T08, two to a partition, a tester's wafers always on its partition.
            m.partition = (Integer.parseInt(wafer.group(2)) - 1) % PARTITIONS;
            Matcher lot = LOT.matcher(text);
            m.lot = lot.find() ? lot.group(1) : null;
            Matcher time = TIME.matcher(text);
            if (time.find()) {
                m.time = time.group(1) != null
                        ? Instant.parse(time.group(1)).toEpochMilli()
                        : Long.parseLong(time.group(2));
            }
            JsonNode root;
            try {
                root = JSON.readTree(payload);
            } catch (Exception e) {
                // Cut off: quarantined; its wafer and time were written in full before the cut, so they are known.
                m.rules.add("unparseable");
                m.quarantinedByParser = true;
                m.attributable = m.time != null;
                m.die = marker(m);
                return m;
            }
            if (!root.isObject()) {
                m.rules.add("not_an_object");
                m.quarantinedByParser = true;
                m.die = marker(m);
                return m;
            }
            for (String required : List.of(
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
                    "pass_fail")) {
                if (!root.has(required)) {
                    m.rules.add("required");
                }
            }
            double[] parameters = new double[4];
            String[] names = {"vdd", "idd", "frequency", "temperature"};
            double[][] ranges = {{1.0, 1.4}, {0, 200}, {1000, 3000}, {-40, 125}};
            for (int p = 0; p < 4; p++) {
                parameters[p] = readFloat(root.get(names[p]), ranges[p], m);
            }
            double testTime = readFloat(root.get("test_time_ms"), new double[] {10, 500}, m);
            m.quarantinedByParser = m.rules.stream().anyMatch(r -> !r.equals("range"));
            m.device = root.path("device_id").asText();
            m.attributable = m.quarantinedByParser && m.time != null;
            if (m.quarantinedByParser) {
                m.die = marker(m);
                return m;
            }
            m.passesParsing = true;
            m.die = new TestDie(
                    m.time,
                    m.lot,
                    m.wafer,
                    root.get("die_x").asInt(),
                    root.get("die_y").asInt(),
                    root.get("pass_fail").asInt() == 1,
                    parameters[0],
                    parameters[1],
                    parameters[2],
                    Double.isNaN(parameters[3]) ? null : parameters[3],
                    testTime);
            return m;
        }

        private static double readFloat(JsonNode node, double[] range, Message m) {
            if (node == null || node.isNull()) {
                return Double.NaN; // absent or null: "required" above if it had to be there
            }
            if (!node.isNumber()) {
                m.rules.add("type");
                return Double.NaN;
            }
            double v = node.asDouble();
            if (!Double.isFinite(v)) {
                m.rules.add("non_finite");
                return Double.NaN;
            }
            if (v < range[0] || v > range[1]) {
                m.rules.add("range");
            }
            return v;
        }

        private static TestDie marker(Message m) {
            return new TestDie(
                    m.time == null ? Long.MIN_VALUE : m.time,
                    m.lot,
                    m.wafer,
                    0,
                    0,
                    false,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    null,
                    Double.NaN);
        }
    }
}
