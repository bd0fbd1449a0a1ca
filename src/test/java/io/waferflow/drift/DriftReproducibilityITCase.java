package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.sketch.QuantileSketches;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, acceptance: two runs of the features job over the same Kafka input, and a backfill of it, give identical
 * drift metrics (PSI, KS D, p-values, means, n) and identical wafer-window p50/p95 where a window holds more than
 * {@link QuantileSketches#EXACT_VALUES} values of a parameter, i.e. where the values are in a KLL sketch. With
 * DataSketches' unseeded JVM-wide compaction coins (before {@code ReproducibleKll}) the second run's sketches compacted
 * differently and these numbers differed: with ReproducibleKll's setSeed calls commented out, 412 of the 1,520 compared
 * values differed (second run: PSI in 36 of 36 judged rows, KS D and p-value in 31, p50/p95 in 70 of 80; backfill: PSI
 * 36, KS D 29, p50/p95 68), while n, means and standard deviations stayed equal.
 *
 * <p>Not covered, because it does not hold yet: a drift window fed by several wafer windows. The detector merges them
 * in arrival order, which across the two upstream subtasks depends on timing, and merging is not associative in
 * floating point (moments) nor for KLL (compaction): two runs with two wafers per minute and 2-minute drift windows
 * gave current_mean 2001.5515604681266 and 2001.5515604681264 for the same frequency values (and with one wafer a
 * minute, 24.991134967103754 and 24.99113496710375 for temperature in the last window). Fixing that needs the detector
 * to merge a drift window's wafer windows in a canonical order (e.g. by wafer window end, then wafer id).
 */
@Timeout(300)
class DriftReproducibilityITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long MIN = 60_000;
    private static final long T0 = Instant.parse("2026-11-27T04:00:00Z").toEpochMilli();
    private static final int WAFERS = 10;
    private static final int DIES = 1_500;
    private static final int DRIFT_WINDOWS = WAFERS;
    private static final List<String> PARAMETERS = List.of("vdd", "idd", "frequency", "temperature");
    /** Drift outputs that must agree to the bit (every statistic a verdict or a dashboard reads). */
    private static final List<String> DRIFT_FIELDS = List.of(
            "verdict",
            "n_baseline",
            "n_current",
            "baseline_mean",
            "baseline_std",
            "current_mean",
            "current_std",
            "shift_sigma",
            "psi",
            "ks_d",
            "ks_d_lower",
            "ks_p_value",
            "ks_p_value_conservative",
            "ks_critical",
            "rank_error_baseline",
            "rank_error_current",
            "exact");

    @TempDir
    Path tmp;

    @Test
    void twoRunsAndABackfillGiveTheSameDriftMetricsAndQuantilesBeyondTheExactBound() throws Exception {
        // One wafer a minute, one drift window a minute: each wafer window and each drift window holds 1,500 values
        // of every parameter (beyond the exact bound, so sketched). One wafer window per drift window on purpose: two
        // or more reach the drift detector in an order that depends on timing (network buffers of the two subtasks),
        // and the merge order changes the last bits of a mean and the merged sketch; see the class comment.
        List<TestDie> dies = TestWafers.seed(19)
                .lot("LR")
                .wafers(WAFERS, "WR%02d")
                .dies(DIES, 50)
                .dieEvery(30)
                .starts(T0, MIN)
                .temperature(25, 2)
                .build();
        // One partition: with per-record watermarks, lateness then depends on the input order alone.
        SERVICES.createTopics("repro", 1);
        SERVICES.produce("repro-in", TestDie.payloads(dies));

        String[] drift = {
            "feature_group.watermark.emit=per_record",
            "drift.window=1 min",
            "drift.baseline.from=stream_records",
            "drift.baseline.records=1500",
            "drift.min_baseline=1000",
            "drift.min_current=200"
        };
        long started = System.nanoTime();
        FeaturesJobRun.execute(SERVICES.config("repro", "first", tmp.resolve("first"), drift), "repro-it-first");
        FeaturesJobRun.execute(SERVICES.config("repro", "second", tmp.resolve("second"), drift), "repro-it-second");
        FeaturesJobConfig history = SERVICES.config("repro", "history", tmp.resolve("history"), drift);
        FeaturesJobRun.backfill(
                history, KafkaInput.range(history, null, null), FeaturesJobSinks.backfill(history), "repro-it-batch");
        long jobsMs = (System.nanoTime() - started) / 1_000_000;

        Map<String, GenericRecord> driftFirst = driftRows("first");
        assertThat(driftFirst).hasSize(PARAMETERS.size() * DRIFT_WINDOWS);
        int judged = 0;
        for (GenericRecord r : driftFirst.values()) {
            if (!r.get("verdict").toString().equals("insufficient_data")) {
                judged++;
                assertThat((Long) r.get("n_current")).isEqualTo(DIES);
                assertThat((Long) r.get("n_baseline")).isEqualTo(DIES);
                assertThat(r.get("exact")).as("both sides sketched").isEqualTo(false);
            }
        }
        assertThat(judged)
                .as("judged drift windows: all but the baseline's")
                .isEqualTo(PARAMETERS.size() * (DRIFT_WINDOWS - 1));
        // Every difference reported at once (not the first only): what differs says which sketch was not reproducible.
        SoftAssertions softly = new SoftAssertions();
        int driftValues = 0;
        for (String run : List.of("second", "history")) {
            Map<String, GenericRecord> other = driftRows(run);
            assertThat(other.keySet()).as(run + ": drift rows").isEqualTo(driftFirst.keySet());
            for (String k : driftFirst.keySet()) {
                for (String f : DRIFT_FIELDS) {
                    softly.assertThat(String.valueOf(other.get(k).get(f)))
                            .as(run + " " + k + " " + f)
                            .isEqualTo(String.valueOf(driftFirst.get(k).get(f)));
                    driftValues++;
                }
            }
        }

        Map<String, GenericRecord> rowsFirst = featureRows("first");
        assertThat(rowsFirst).hasSize(WAFERS);
        int quantiles = 0;
        for (String run : List.of("second", "history")) {
            Map<String, GenericRecord> other = featureRows(run);
            assertThat(other.keySet()).as(run + ": wafer windows").isEqualTo(rowsFirst.keySet());
            for (String k : rowsFirst.keySet()) {
                assertThat(((Number) rowsFirst.get(k).get("device_count")).longValue())
                        .as("beyond the exact bound")
                        .isEqualTo(DIES)
                        .isGreaterThan(QuantileSketches.EXACT_VALUES);
                for (String p : PARAMETERS) {
                    for (String q : List.of("_p50", "_p95")) {
                        // Bit for bit: Double.equals, not a tolerance.
                        softly.assertThat(other.get(k).get(p + q))
                                .as(run + " " + k + " " + p + q)
                                .isNotNull()
                                .isEqualTo(rowsFirst.get(k).get(p + q));
                        quantiles++;
                    }
                }
            }
        }
        softly.assertAll();
        System.out.printf(
                "DriftReproducibilityITCase: %d records, 2 streaming runs and a backfill in %d ms; %d drift values "
                        + "(%d rows x %d fields x 2 comparisons) and %d wafer-window p50/p95 (%d windows of %d values) "
                        + "identical%n",
                dies.size(),
                jobsMs,
                driftValues,
                driftFirst.size(),
                DRIFT_FIELDS.size(),
                quantiles,
                rowsFirst.size(),
                DIES);
    }

    /** A run's drift metrics by feature@window start. */
    private Map<String, GenericRecord> driftRows(String run) {
        return ParquetFiles.read(tmp.resolve(run + "/data/_drift")).stream()
                .collect(Collectors.toMap(
                        r -> r.get("feature") + "@" + r.get("window_start"),
                        r -> r,
                        (a, b) -> {
                            throw new AssertionError("two drift rows for one feature and window: " + a);
                        },
                        TreeMap::new));
    }

    /** A run's feature rows by wafer@window start. */
    private Map<String, GenericRecord> featureRows(String run) {
        return ParquetFiles.read(tmp.resolve(run + "/data/wafer_aggregates/version=v1")).stream()
                .collect(Collectors.toMap(
                        r -> r.get("wafer_id") + "@" + r.get("window_start"),
                        r -> r,
                        (a, b) -> {
                            throw new AssertionError("two feature rows for one wafer window: " + a);
                        },
                        TreeMap::new));
    }
}
