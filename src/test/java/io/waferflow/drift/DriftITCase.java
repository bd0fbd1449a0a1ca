package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.WaferTrafficGenerator;
import io.waferflow.model.QualityEvent;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Drift end to end on the demo's traffic: 8 testers, Vdd shifted by 2.5 σ from each tester's third wafer on. The
 * production job (real Kafka, real Redis) must write a drift metric per feature and drift window to Parquet, with
 * sample sizes and means equal to a count over the generated records; call Vdd drifted in every window after the shift
 * and stable before it, temperature stable throughout; keep the newest metric per feature in Redis; and raise a
 * distribution-shift quality event for exactly the wafer windows of shifted wafers.
 */
@Timeout(300)
class DriftITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long MIN = 60_000;
    private static final long DRIFT_WINDOW = 2 * MIN;
    private static final int RECORDS = 40_000;
    private static final int DRIFT_AFTER_WAFERS = 2;

    @TempDir
    Path tmp;

    @Test
    void injectedDriftIsDetectedAndStored() throws Exception {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.driftAfterWafers = DRIFT_AFTER_WAFERS;
        List<byte[]> payloads = new WaferTrafficGenerator(settings).take(RECORDS);
        SERVICES.createTopics("drift", 1); // one partition: lateness decided by input order alone
        SERVICES.produce("drift-in", payloads);

        FeaturesJobConfig config = SERVICES.config(
                tmp,
                "drift",
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.from=stream_records",
                "drift.baseline.records=3000",
                "drift.min_baseline=1000",
                "drift.min_current=200");
        FeaturesJobRun.execute(config, "drift-it");

        // The independent count: per (feature, drift window) the values, and which windows hold shifted wafers.
        Model model = new Model(payloads);
        List<GenericRecord> rows = ParquetFiles.read(tmp.resolve("data/_drift"));
        Map<String, TreeMap<Long, GenericRecord>> byFeature = rows.stream()
                .collect(Collectors.groupingBy(
                        r -> r.get("feature").toString(),
                        Collectors.toMap(
                                r -> (Long) r.get("window_start"),
                                r -> r,
                                (a, b) -> {
                                    throw new AssertionError("two rows for one feature and window: " + a + " / " + b);
                                },
                                TreeMap::new)));
        assertThat(byFeature.keySet()).containsExactlyInAnyOrder("vdd", "idd", "frequency", "temperature");
        for (Map.Entry<String, TreeMap<Long, GenericRecord>> f : byFeature.entrySet()) {
            Map<Long, List<Double>> want = model.values.get(f.getKey());
            assertThat(f.getValue().keySet()).as(f.getKey() + " drift windows").isEqualTo(want.keySet());
            for (GenericRecord r : f.getValue().values()) {
                List<Double> values = want.get((Long) r.get("window_start"));
                String what = f.getKey() + "@" + Instant.ofEpochMilli((Long) r.get("window_start"));
                assertThat((Long) r.get("n_current")).as(what).isEqualTo(values.size());
                assertThat((Double) r.get("current_mean"))
                        .as(what)
                        .isCloseTo(values.stream().mapToDouble(v -> v).average().orElseThrow(), within(1e-9));
                assertThat((Long) r.get("window_end") - (Long) r.get("window_start"))
                        .isEqualTo(DRIFT_WINDOW);
            }
            // The first window forms the baseline (more than 3000 values): no verdict.
            assertThat(f.getValue().firstEntry().getValue().get("verdict").toString())
                    .isEqualTo("insufficient_data");
        }

        TreeMap<Long, GenericRecord> vdd = byFeature.get("vdd");
        int drifted = 0;
        int stable = 0;
        for (GenericRecord r : vdd.tailMap(vdd.firstKey(), false).values()) {
            long start = (Long) r.get("window_start");
            String verdict = r.get("verdict").toString();
            if (model.onlyShifted.contains(start) && (Long) r.get("n_current") >= 200) {
                assertThat(verdict).as("vdd at " + Instant.ofEpochMilli(start)).isEqualTo("drift");
                assertThat((Double) r.get("shift_sigma")).isBetween(2.0, 3.0);
                drifted++;
            } else if (model.noneShifted.contains(start)) {
                assertThat(verdict).as("vdd at " + Instant.ofEpochMilli(start)).isEqualTo("stable");
                stable++;
            }
        }
        assertThat(drifted).as("fully shifted vdd windows").isGreaterThanOrEqualTo(3);
        assertThat(stable).as("unshifted vdd windows after the baseline").isGreaterThanOrEqualTo(1);
        for (GenericRecord r : byFeature.get("temperature").values()) {
            assertThat(r.get("verdict").toString()).isIn("insufficient_data", "stable");
        }

        try (Jedis jedis = SERVICES.jedis()) {
            for (String feature : byFeature.keySet()) {
                GenericRecord newest = byFeature.get(feature).lastEntry().getValue();
                Map<String, String> hash = jedis.hgetAll("drift:drift:wafer_aggregates:v1:" + feature);
                assertThat(hash.get("window_end"))
                        .as(feature)
                        .isEqualTo(newest.get("window_end").toString());
                assertThat(hash.get("verdict"))
                        .as(feature)
                        .isEqualTo(newest.get("verdict").toString());
                assertThat(hash.get("n_current"))
                        .as(feature)
                        .isEqualTo(newest.get("n_current").toString());
            }
        }

        List<GenericRecord> events = ParquetFiles.read(tmp.resolve("data/_quality_events"));
        Set<String> shiftEvents = events.stream()
                .filter(e -> e.get("type").toString().equals(QualityEvent.DISTRIBUTION_SHIFT))
                .peek(e -> assertThat(e.get("field").toString()).isEqualTo("vdd"))
                .map(e -> e.get("wafer_id") + "@" + e.get("window_start"))
                .collect(Collectors.toSet());
        assertThat(shiftEvents).isEqualTo(model.shiftedWaferWindows);
    }

    /** What the generated records say, computed from their JSON alone. */
    private static final class Model {
        private static final ObjectMapper JSON = new ObjectMapper();
        final Map<String, Map<Long, List<Double>>> values = new TreeMap<>();
        final Set<Long> onlyShifted = new HashSet<>();
        final Set<Long> noneShifted = new HashSet<>();
        final Set<String> shiftedWaferWindows = new HashSet<>();

        Model(List<byte[]> payloads) throws Exception {
            Map<Long, Set<Boolean>> shiftedByWindow = new TreeMap<>();
            for (byte[] p : payloads) {
                JsonNode r = JSON.readTree(p);
                long t = Instant.parse(r.get("event_time").asText()).toEpochMilli();
                // 1-minute wafer windows nest in 2-minute drift windows: a value's drift window is its own time's.
                long driftStart = Math.floorDiv(t, DRIFT_WINDOW) * DRIFT_WINDOW;
                for (String f : List.of("vdd", "idd", "frequency", "temperature")) {
                    if (!r.get(f).isNull()) {
                        values.computeIfAbsent(f, k -> new TreeMap<>())
                                .computeIfAbsent(driftStart, k -> new ArrayList<>())
                                .add(r.get(f).asDouble());
                    }
                }
                // Wafer ids are W<tester>-<lot>-<wafer in lot, from 1>: the tester's wafer sequence number.
                String[] id = r.get("wafer_id").asText().split("-");
                boolean shifted = Integer.parseInt(id[1]) * 25 + Integer.parseInt(id[2]) - 1 >= DRIFT_AFTER_WAFERS;
                shiftedByWindow
                        .computeIfAbsent(driftStart, k -> new HashSet<>())
                        .add(shifted);
                if (shifted) {
                    shiftedWaferWindows.add(r.get("wafer_id").asText() + "@" + Math.floorDiv(t, MIN) * MIN);
                }
            }
            shiftedByWindow.forEach((start, kinds) -> {
                if (kinds.equals(Set.of(true))) {
                    onlyShifted.add(start);
                } else if (kinds.equals(Set.of(false))) {
                    noneShifted.add(start);
                }
            });
        }
    }
}
