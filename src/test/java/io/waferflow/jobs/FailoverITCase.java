package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.config.AlertPolicySpec;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.FailOnceAfterCheckpoint;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 6: after a crash the job resumes from its last checkpoint with the results of a run without the crash. A failure
 * is injected once, after a checkpoint completed, on an alert notification in flight; afterwards every output that
 * promises exactly-once holds each expected item once, expected values computed from the input in the test: the Parquet
 * store one row per (wafer, window) equal to the independent model, Redis the newest window of every wafer, the
 * violation topic and the alert topic (read committed) and the Parquet quarantine every violation and notification
 * once, and the raw archive every valid record once.
 */
@Timeout(300)
class FailoverITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T08:00:00Z").toEpochMilli();
    private static final long WINDOW = 60_000;
    private static final long LATENESS = 30_000;
    private static final long BOUND = 5_000;
    /** Wafers below this get five out-of-range Vdd readings in one full window: a range-violation alert each. */
    private static final int WAFERS_WITH_ALERTS = 32;

    private static final int MALFORMED_EVERY = 100;

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    @TempDir
    Path tmp;

    @Test
    void aFailureAfterACheckpointChangesNoResult() throws Exception {
        // 40 wafers of 300 dies on 8 testers, 1 s per die: 12,000 records over ~28 min of event time.
        IntToLongFunction start = w -> T0 + (w % 8) * 7_000L + (w / 8) * 330_000L;
        // Five dies at the start of a whole minute inside the wafer out of range: 5 of that window's 60 devices (8 %)
        // have Vdd flagged, over the 5 % range-violation rate, under the 10 % rejection rate.
        List<TestDie> dies = TestWafers.seed(5)
                .lot("LF")
                .wafers(40, "WF%02d")
                .dies(300, 20)
                .starts(start)
                .failRate(0.15)
                .testTime(100, 50)
                .vdd((w, k) -> w < WAFERS_WITH_ALERTS && fiveAtAMinute(start.applyAsLong(w), k), 1.55)
                .build();
        // Two partitions, one per source subtask, each wafer in one of them in order.
        // After every 100th record of a partition, a truncated message (no event time: quarantined, in no window).
        List<byte[]> payloads = new ArrayList<>();
        List<Integer> partitions = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        int[] sent = new int[2];
        for (TestDie d : dies) {
            int p = partition(d);
            payloads.add(d.bytes());
            partitions.add(p);
            if (++sent[p] % MALFORMED_EVERY == 0) {
                String bad = "{\"wafer_id\":\"" + d.wafer() + "\",\"vdd\":1.2,\"seq\":" + malformed.size();
                malformed.add(bad);
                payloads.add(bad.getBytes(StandardCharsets.UTF_8));
                partitions.add(p);
            }
        }
        SERVICES.createTopics("failover", 2);
        SERVICES.kafka().createTopic("failover-alerts", 2);
        // The input is sent in two parts, split at one event time (the dies are in time order): the first holds the
        // alerts of about half the wafers, for the failure; the second is sent once the job has failed and restarted.
        int cut = payloads.size() / 2;
        SERVICES.produce("failover-in", payloads.subList(0, cut), partitions::get);

        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "failover",
                "checkpointing.interval=100 ms",
                "feature_group.watermark.emit=per_record",
                "alerts.sinks.kafka_topic=failover-alerts",
                // The five injected readings are also far outside their window's Tukey fences: with the shipped fence
                // they would add a per-parameter IQR-outlier alert family whose random normal-data share (2 of 60
                // values happen) this test does not model. Range alerts are enough to prove the topic.
                "quality.wafer.iqr_fence=1000");
        // The failure hits an alert notification after a completed checkpoint: alerts are the sparsest output, so this
        // puts one in flight for certain; violations and raw records (one in a hundred, every record) flow throughout.
        FailOnceAfterCheckpoint<Alert> failure = FailOnceAfterCheckpoint.onAnySubtask(shared);
        FeaturesJobSinks sinks = FeaturesJobSinks.production(config)
                .alsoTo(FeaturesJobSinks.none()
                        .with(
                                JobOutput.ALERTS,
                                alerts -> alerts.map(failure)
                                        .uid("test-fail-once")
                                        .sinkTo(new DiscardingSink<>())
                                        .uid("test-discard")));
        // The job reads the input as production does, without end, and the test drains it once the restarted attempt
        // has read every message; the second part of the input is sent only after the failure. So at the failure
        // every partition still has records to come: no source subtask can have reached the end of its input, and
        // after the restore each partition delivers records again, so its watermark moves on (a partition read to its
        // end before the restored checkpoint would hold the watermark back until it counts as idle, 30 s later).
        // With a bounded source one subtask could end first (the partitions are read independently, and under load
        // one runs far ahead of the alerts), and Flink 1.20.0 then commits that subtask's end-of-input files on the
        // next completed checkpoint even when that checkpoint's barrier passed the source before the end: the
        // restored job reads the records after the barrier again and commits them a second time (FLINK-37605,
        // docs/known-limitations.md).
        JobClient job = FeaturesJobRun.start(
                config, "failover-it", FeaturesJobRun.restarting(config, 1, Duration.ofMillis(100)), sinks);
        failure.awaitRestart(Duration.ofMinutes(3));
        SERVICES.produce("failover-in", payloads.subList(cut, payloads.size()), i -> partitions.get(cut + i));
        FeaturesJobRun.awaitRecordsIn(job, payloads.size());
        FeaturesJobRun.drain(job, tmp.resolve("end"));
        assertThat(failure.failedOn()).as("the injected failure happened").isNotNull();

        // Feature rows: one per (wafer, window), equal to the independent model.
        ExpectedFeatures expected = ExpectedFeatures.compute(dies, WINDOW, LATENESS, BOUND);
        FeaturesJobRun.assertWindowsEqualModel(
                ParquetFiles.rowsByWindow(tmp.resolve("data/wafer_aggregates/version=v1"), "wafer_id"),
                expected.rows,
                "after the failover");
        SERVICES.assertOnline("failover", expected.newestPerWafer().values(), "yield_pct");

        // Violations: each out-of-range reading once (flagged, not quarantined) and each truncated message once
        // (quarantined with its payload), on the topic (read committed) and in the Parquet quarantine alike.
        List<String> wantViolations = new ArrayList<>();
        for (TestDie d : dies) {
            if (d.vdd() > 1.4) {
                wantViolations.add("range vdd " + d.wafer() + "-" + d.x() + "-" + d.y() + "@" + d.time() + " false");
            }
        }
        malformed.forEach(m -> wantViolations.add("unparseable " + m + " true"));
        assertThat(wantViolations).hasSize(5 * WAFERS_WITH_ALERTS + 120);
        ObjectMapper json = new ObjectMapper();
        List<String> onTopic = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("failover-violations")) {
            JsonNode v = json.readTree(r.value());
            onTopic.add(violationKey(
                    v.path("rule").asText(),
                    v.path("field").asText(),
                    v.path("device_id").asText(),
                    v.path("event_time").asText(),
                    v.path("raw_payload").asText(),
                    v.path("quarantined").asBoolean()));
        }
        assertThat(onTopic).as("violation topic, read committed").containsExactlyInAnyOrderElementsOf(wantViolations);
        List<String> quarantine = ParquetFiles.read(tmp.resolve("data/_quarantine")).stream()
                .map(r -> violationKey(
                        r.get("rule").toString(),
                        r.get("field").toString(),
                        text(r.get("device_id")),
                        text(r.get("event_time")),
                        text(r.get("raw_payload")),
                        (Boolean) r.get("quarantined")))
                .toList();
        assertThat(quarantine).as("Parquet quarantine").containsExactlyInAnyOrderElementsOf(wantViolations);

        // Raw archive: every record that passed parsing (all the dies, flagged ones included) once.
        assertThat(ParquetFiles.read(tmp.resolve("data/raw")).stream()
                        .map(r -> r.get("device_id") + "@" + r.get("event_time") + " vdd=" + r.get("vdd"))
                        .toList())
                .as("raw archive")
                .containsExactlyInAnyOrderElementsOf(dies.stream()
                        .map(d -> d.wafer() + "-" + d.x() + "-" + d.y() + "@" + d.time() + " vdd=" + d.vdd())
                        .toList());

        // Alerts: each notification the data-quality policy owes, once, on the topic (read committed), the one the
        // failure hit among them.
        Map<String, String> wantAlerts = expectedQualityAlerts(expected, config, finalWatermark(dies));
        assertThat(wantAlerts).as("range alerts fired and resolved").hasSize(2 * WAFERS_WITH_ALERTS);
        List<String> alertIds = new ArrayList<>();
        Map<String, String> gotAlerts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted("failover-alerts")) {
            JsonNode a = json.readTree(r.value());
            alertIds.add(a.path("notification_id").asText());
            gotAlerts.put(a.path("notification_id").asText(), a.path("status").asText());
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(a.path("key").asText());
        }
        assertThat(alertIds)
                .as("alert topic, read committed: each notification once")
                .doesNotHaveDuplicates();
        assertThat(gotAlerts).isEqualTo(wantAlerts);
        Alert hit = (Alert) failure.failedOn();
        assertThat(alertIds).as("the notification in flight at the failure").containsOnlyOnce(hit.notificationId);
    }

    private static int partition(TestDie d) {
        return d.waferNumber() % 2;
    }

    /** Die {@code k} is one of five from the first die at or after the 120th tested at a whole minute (T0 is one). */
    private static boolean fiveAtAMinute(long waferStart, int k) {
        int first = 120;
        while ((waferStart + first * 1_000L - T0) % WINDOW != 0) {
            first++;
        }
        return k >= first && k < first + 5;
    }

    private static String violationKey(
            String rule, String field, String device, String eventTime, String payload, boolean quarantined) {
        return rule.equals("range")
                ? rule + " " + field + " " + device + "@" + eventTime + " " + quarantined
                : rule + " " + payload + " " + quarantined;
    }

    private static String text(Object o) {
        return o == null ? "null" : o.toString();
    }

    /**
     * The last watermark before the drain, as low as it can be: each partition's watermark is its largest event time
     * minus the bound, and the source emits the smallest. (A partition read to its end is marked idle after a while:
     * the watermark can get higher, up to the largest of the two, so nothing may be due in between.)
     */
    private static long[] finalWatermark(List<TestDie> dies) {
        long[] max = {Long.MIN_VALUE, Long.MIN_VALUE};
        for (TestDie d : dies) {
            max[partition(d)] = Math.max(max[partition(d)], d.time());
        }
        return new long[] {Math.min(max[0], max[1]) - BOUND - 1, Math.max(max[0], max[1]) - BOUND - 1};
    }

    /**
     * Notification id → status the data-quality policy owes for the model's final rows, judged by the shipped rules
     * (more than the configured rates). Kept to what this fixture needs: fire 1 of 1 and each condition in one window,
     * so every condition fires once and resolves once its resolve time has passed before the drain (the final watermark
     * of a drain, like the end of a bounded input, resolves nothing).
     */
    private static Map<String, String> expectedQualityAlerts(
            ExpectedFeatures expected, FeaturesJobConfig config, long[] finalWatermark) {
        AlertPolicySpec p = config.alerts().qualityPolicy();
        assertThat(p.fireN)
                .as("the shipped data-quality policy fires on one window")
                .isEqualTo(1);
        Map<String, List<Long>> activeWindows = new TreeMap<>();
        for (ExpectedFeatures.Row r : expected.rows.values()) {
            List<String> keys = new ArrayList<>();
            for (String param : ExpectedFeatures.PARAMETERS) {
                if (r.features.get("dq_" + param + "_flagged_rate")
                        > config.quality().rangeViolationRate()) {
                    keys.add("dq:" + r.wafer + ":" + param + ":range_violations");
                }
            }
            if (r.features.get("dq_devices_flagged_pct") / 100
                    > config.quality().rejectFlaggedRate()) {
                keys.add("dq:" + r.wafer + ":wafer_rejected");
            }
            if (r.features.get("dq_quarantine_rate") > config.quality().quarantineRate()) {
                keys.add("dq:" + r.wafer + ":wafer_quarantined");
            }
            keys.forEach(k ->
                    activeWindows.computeIfAbsent(k, x -> new ArrayList<>()).add(r.windowEnd));
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, List<Long>> e : activeWindows.entrySet()) {
            assertThat(e.getValue()).as("windows of " + e.getKey()).hasSize(1);
            long end = e.getValue().get(0);
            String alertId = e.getKey() + "@" + end;
            out.put(alertId + "#1", "FIRING");
            long resolveAt = end + p.resolveK * p.windowMs + p.graceMs;
            assertThat(resolveAt < finalWatermark[0] || resolveAt > finalWatermark[1])
                    .as(e.getKey() + " resolves, or not, whichever partition goes idle")
                    .isTrue();
            if (resolveAt <= finalWatermark[0]) {
                out.put(alertId + "#2", "RESOLVED");
            }
        }
        return new TreeMap<>(out);
    }
}
