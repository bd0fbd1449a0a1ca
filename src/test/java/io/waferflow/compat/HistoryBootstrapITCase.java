package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.savepoints.HistoryBootstrap;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.testing.ExpectedFeatures;
import io.waferflow.testing.ExpectedFeatures.Arrival;
import io.waferflow.testing.ExpectedFeatures.Windows;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 6 item 3: a job started from {@code savepoint bootstrap --until T} (state computed from the topic's history
 * before T) and reading from T writes exactly the feature rows, drift metrics and online values that a job which
 * processed the whole topic writes after T. The cut falls where it hurts: wafers in flight across it, a window past its
 * end but within lateness, an open drift window, and records after it that only state from before it can judge (a late
 * retest, a re-delivered duplicate, a record too late). A job started at T without the bootstrap gets those wrong,
 * which shows the comparison has teeth. The reference run is also compared with the independent model
 * ({@link ExpectedFeatures}), offline and online, so that "equal to the reference" means "equal to the specification".
 */
@Timeout(300)
class HistoryBootstrapITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T06:00:00Z").toEpochMilli();
    /** The cut: 5 min 20 s in, 20 s into a 1-minute window, while the previous one is within its 30 s lateness. */
    private static final long CUT = T0 + 320_000;

    private static final long BOUND = 5_000;
    private static final long LATENESS = 30_000;

    @TempDir
    Path tmp;

    /** Six overlapping wafers of a 10×10 map, one die every 1.5 s each, 90 s apart: two in flight at any time. */
    private static List<TestDie> history() {
        return TestWafers.seed(11)
                .lot("LH")
                .wafers(6, "WH%d")
                .dies(100, 10)
                .starts(T0, 90_000)
                .dieEvery(1_500)
                .failRate(0.2)
                .failingIdd(85, 0)
                .temperature(25, 1)
                .testTime(100, 40)
                .build();
    }

    @Test
    void aJobBootstrappedFromHistoryContinuesExactlyLikeOneThatProcessedItAll() throws Exception {
        List<TestDie> arrivals = new ArrayList<>(history());
        int cut = 0;
        while (arrivals.get(cut).time() < CUT) {
            cut++;
        }
        TestDie beforeCut = arrivals.get(cut - 3);
        assertThat(beforeCut.time()).isBetween(CUT - 5_000, CUT - 1);
        // Right after the cut: a record for window [3 min, 4 min) (too late: its lateness ended at 4 min 30 s), a
        // retest for window [4 min, 5 min) (past its end, within lateness), and an exact re-delivery of a record from
        // before the cut.
        TestDie tooLate = arrivals.stream()
                .filter(d -> d.time() >= T0 + 200_000)
                .findFirst()
                .orElseThrow();
        arrivals.add(
                cut,
                new TestDie(
                        tooLate.time() + 1,
                        tooLate.lot(),
                        tooLate.wafer(),
                        tooLate.x(),
                        tooLate.y(),
                        true,
                        1.2,
                        50.0,
                        2000.0,
                        25.0,
                        100.0));
        TestDie retest = arrivals.stream()
                .filter(d -> d.time() >= T0 + 285_000 && d.time() < T0 + 300_000)
                .findFirst()
                .orElseThrow();
        arrivals.add(
                cut + 1,
                new TestDie(
                        retest.time() + 1,
                        retest.lot(),
                        retest.wafer(),
                        retest.x(),
                        retest.y(),
                        false,
                        1.31,
                        90.0,
                        1850.0,
                        26.0,
                        60.0));
        arrivals.add(cut + 2, beforeCut);
        // Kafka timestamps are the upload clock: the newest event time so far, and the cut for what came after it.
        long[] clock = new long[arrivals.size()];
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < arrivals.size(); i++) {
            newest = Math.max(newest, arrivals.get(i).time());
            clock[i] = i < cut ? newest : Math.max(newest, CUT);
        }
        assertThat(clock[cut - 1]).isLessThan(CUT);
        assertThat(clock[cut]).isGreaterThanOrEqualTo(CUT);
        SERVICES.createTopics("history", 1); // one partition: lateness decided by input order alone
        SERVICES.produce("history-in", TestDie.payloads(arrivals), i -> null, i -> clock[i]);

        // The reference: one job over the whole topic.
        FeaturesJobConfig full = config("full");
        FeaturesJobRun.execute(full, "history-full");

        // Bootstrap as of the cut, then run from it reading from the cut.
        FeaturesJobConfig boot = config("boot", "kafka.starting_offsets=" + Instant.ofEpochMilli(CUT));
        Path savepoint = tmp.resolve("boot/savepoint");
        HistoryBootstrap.Result bootstrap = HistoryBootstrap.write(
                boot, Instant.ofEpochMilli(CUT), savepoint.toUri().toString(), Duration.ofMinutes(2));
        assertThat(bootstrap.records).isEqualTo(cut);
        assertThat(savepoint.resolve("_metadata")).exists();
        assertThat(Files.exists(tmp.resolve("boot/savepoint-scratch")))
                .as("scratch savepoint deleted")
                .isFalse();
        Configuration flink = FeaturesJobRun.flinkConfiguration(boot);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        FeaturesJobRun.execute(boot, "history-boot", flink, FeaturesJobSinks.production(boot));

        // Without the bootstrap: the same run from the cut on empty state.
        FeaturesJobConfig cold = config("cold", "kafka.starting_offsets=" + Instant.ofEpochMilli(CUT));
        FeaturesJobRun.execute(cold, "history-cold");

        Map<String, Map<String, Object>> fullRows = rows("full", "wafer_aggregates/version=v1", "wafer_id");
        Map<String, Map<String, Object>> bootRows = rows("boot", "wafer_aggregates/version=v1", "wafer_id");
        Map<String, Map<String, Object>> coldRows = rows("cold", "wafer_aggregates/version=v1", "wafer_id");

        // The reference is the same code: check it against the independent model first (one partition, the arrival
        // order as sent; the re-delivery is a quarantine marker of its window).
        List<Arrival> modelInput = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            modelInput.add(new Arrival(0, arrivals.get(i), i == cut + 2));
        }
        ExpectedFeatures model = ExpectedFeatures.simulate(modelInput, 1, Windows.tumbling(60_000), LATENESS, BOUND);
        assertThat(model.tooLate)
                .as("the record for a window final before the cut")
                .containsExactly(arrivals.get(cut));
        assertThat(model.lateWithinLateness).as("the retest").isEqualTo(1);
        FeaturesJobRun.assertRowsEqualModel(fullRows, model.rows, "full run");

        // The job that ran all along wrote a window's offline row once the watermark passed its end − 1 + lateness;
        // the rows still to come at the cut are exactly those, and the bootstrapped job writes them identically.
        long watermarkAtCut =
                arrivals.subList(0, cut).stream().mapToLong(TestDie::time).max().orElseThrow() - BOUND - 1;
        Map<String, Map<String, Object>> afterCut = new TreeMap<>(fullRows);
        afterCut.values().removeIf(r -> (Long) r.get("window_end") - 1 + LATENESS <= watermarkAtCut);
        assertThat(afterCut).hasSizeGreaterThanOrEqualTo(8);
        assertThat(bootRows).isEqualTo(afterCut);
        String retestKey = retest.wafer() + "@" + (T0 + 240_000);
        assertThat(bootRows.get(retestKey).get("revision"))
                .as("the late retest re-fired its window")
                .isEqualTo(1);

        // Drift metrics of the drift windows judged after the cut (2-minute windows judged at end − 1 + lateness).
        Map<String, Map<String, Object>> fullDrift = rows("full", "_drift", "feature");
        Map<String, Map<String, Object>> bootDrift = rows("boot", "_drift", "feature");
        Map<String, Map<String, Object>> driftAfterCut = new TreeMap<>(fullDrift);
        driftAfterCut.values().removeIf(r -> (Long) r.get("window_end") - 1 + LATENESS <= watermarkAtCut);
        assertThat(driftAfterCut.values()).anyMatch(r -> !r.get("verdict").equals("insufficient_data"));
        assertSameDrift(bootDrift, driftAfterCut);

        // Online: each wafer's newest window as the model has it in the full run; the bootstrapped job wrote the
        // wafers with a window firing after the cut, with the same values (but the write time), and no other.
        Set<String> firingAfterCut = model.rows.values().stream()
                .filter(r -> r.windowEnd - 1 > watermarkAtCut)
                .map(r -> r.wafer)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(firingAfterCut).hasSizeGreaterThanOrEqualTo(3);
        try (Jedis jedis = SERVICES.jedis()) {
            for (ExpectedFeatures.Row last : model.newestPerWafer().values()) {
                String wafer = last.wafer;
                Map<String, String> fullHash =
                        new TreeMap<>(PackedFeatures.flatten(jedis.hgetAll("full:wafer_aggregates:v1:" + wafer)));
                FeaturesJobRun.assertOnlineEqualsModel(fullHash, last, "full run online " + wafer);
                Map<String, String> bootHash =
                        new TreeMap<>(PackedFeatures.flatten(jedis.hgetAll("boot:wafer_aggregates:v1:" + wafer)));
                fullHash.remove("updated_at");
                bootHash.remove("updated_at");
                if (firingAfterCut.contains(wafer)) {
                    assertThat(bootHash).as(wafer).isEqualTo(fullHash);
                } else {
                    assertThat(bootHash)
                            .as(wafer + ": final before the cut, nothing to write")
                            .isEmpty();
                }
            }
        }

        // The hand-over: a backfill of the history before the cut writes, into the same version, exactly the rows
        // the bootstrapped job did not (those final at the savepoint's watermark). Together: the full run's rows.
        long handOver = SavepointInspection.watermark(savepoint.toUri().toString());
        assertThat(handOver).isEqualTo(watermarkAtCut);
        FeaturesJobRun.backfill(
                boot,
                KafkaInput.range(boot, null, CUT),
                FeaturesJobSinks.backfill(boot).finalBy(handOver, LATENESS),
                "history-backfill-until-cut");
        assertThat(rows("boot", "wafer_aggregates/version=v1", "wafer_id"))
                .as("backfill + bootstrapped job")
                .isEqualTo(fullRows);
        assertSameDrift(rows("boot", "_drift", "feature"), fullDrift);

        // Cold start from the cut: the too-late record makes a window of its own, the duplicate counts twice,
        // the retest re-fires nothing, and wafers in flight lose their earlier dies.
        assertThat(coldRows).isNotEqualTo(afterCut);
        assertThat(coldRows.keySet()).contains(tooLate.wafer() + "@" + (T0 + 180_000));
        long differing = afterCut.keySet().stream()
                .filter(k -> !afterCut.get(k).equals(coldRows.get(k)))
                .count();
        System.out.printf(
                "HistoryBootstrapITCase: %d input records before the cut, %d rows after it; bootstrapped:"
                        + " all equal, cold start: %d differ, %d extra%n",
                cut,
                afterCut.size(),
                differing,
                coldRows.keySet().stream().filter(k -> !afterCut.containsKey(k)).count());
        assertThat(differing).isGreaterThanOrEqualTo(3);
    }

    private FeaturesJobConfig config(String name, String... more) {
        List<String> overrides = new ArrayList<>(List.of(
                "feature_group.watermark.emit=per_record",
                "drift.window=2 min",
                "drift.baseline.records=200",
                "drift.min_baseline=200",
                "drift.min_current=50",
                // Every sketch exact (k above any window's count): KLL compaction is random, and this test
                // compares two runs value for value.
                "drift.sketch_k=5000"));
        overrides.addAll(List.of(more));
        return SERVICES.config("history", name, tmp.resolve(name), overrides.toArray(new String[0]));
    }

    private Map<String, Map<String, Object>> rows(String run, String table, String keyField) {
        return ParquetFiles.rowsByWindow(tmp.resolve(run).resolve("data").resolve(table), keyField);
    }

    /**
     * Drift metrics equal row for row. Moments merge wafer windows in the order they arrive from parallel finalizers,
     * so two runs agree to rounding only (about 1e-15 relative); every sketch is exact here, so PSI and KS D agree.
     */
    private static void assertSameDrift(Map<String, Map<String, Object>> got, Map<String, Map<String, Object>> want) {
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (String key : want.keySet()) {
            assertThat(got.get(key).keySet()).isEqualTo(want.get(key).keySet());
            for (Map.Entry<String, Object> field : want.get(key).entrySet()) {
                Object value = got.get(key).get(field.getKey());
                if (field.getValue() instanceof Double) {
                    double w = (Double) field.getValue();
                    if (Double.isNaN(w)) {
                        assertThat((Double) value)
                                .as(key + " " + field.getKey())
                                .isNaN();
                    } else {
                        assertThat((Double) value)
                                .as(key + " " + field.getKey())
                                .isCloseTo(w, within(1e-9 * Math.max(1, Math.abs(w))));
                    }
                } else {
                    assertThat(value).as(key + " " + field.getKey()).isEqualTo(field.getValue());
                }
            }
        }
    }
}
