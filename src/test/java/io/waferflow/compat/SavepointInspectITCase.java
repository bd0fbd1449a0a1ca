package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.savepoints.StateRows;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.TestDie;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code savepoint inspect} on the committed savepoint of release 0.1.0, against what its fixture implies: the
 * counters, the drift baselines built from the first drift window, the dies each wafer's finalized windows covered, and
 * the wafer windows still open at the savepoint's watermark with their device counts.
 */
class SavepointInspectITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    private static final long MIN = 60_000;
    private static final long LATENESS = 30_000;

    @Test
    void readsWhatTheFirstHalfOfTheFixtureLeftInState() throws Exception {
        List<TestDie> dies = SavepointCompatibilityITCase.dies();
        List<TestDie> before = SavepointCompatibilityITCase.before(dies).subList(0, 1_200); // without the re-delivery
        // The configuration the savepoint was written with (drift windows of 2 min, baseline of 200 values).
        FeaturesJobConfig config = TestConfigs.features(
                "feature_group.window.size=1 min",
                "feature_group.window.allowed_lateness=30 s",
                "drift.window=2 min",
                "drift.baseline.records=200");
        SavepointInspection s = SavepointInspection.read(
                SavepointCompatibilityITCase.COMMITTED.toAbsolutePath().toUri().toString(), config);

        assertThat(s.counters)
                .containsEntry(PipelineCounter.RECORDS_IN, 1_201L)
                .containsEntry(PipelineCounter.RECORDS_VALID, 1_201L)
                .containsEntry(PipelineCounter.RECORDS_WINDOWED, 1_200L)
                .containsEntry(PipelineCounter.RECORDS_DUPLICATE, 1L)
                .containsEntry(PipelineCounter.RECORDS_QUARANTINED, 1L);

        // The savepoint's watermark: the slower partition's newest event time − 5 s − 1 (per-record watermarks).
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < 2; p++) {
            int partition = p;
            watermark = Math.min(
                    watermark,
                    before.stream()
                                    .filter(d -> d.waferNumber() % 2 == partition)
                                    .mapToLong(TestDie::time)
                                    .max()
                                    .orElseThrow()
                            - 5_001);
        }
        long w = watermark;

        // Drift: the first drift window [T0, T0 + 2 min) was judged and forms the baseline (more than 200 values).
        List<Double> firstWindowVdd = before.stream()
                .filter(d -> d.time() < SavepointCompatibilityITCase.T0 + 2 * MIN)
                .map(TestDie::vdd)
                .collect(Collectors.toList());
        StateRows.Baseline vdd = s.baselines.stream()
                .filter(b -> b.feature.equals("vdd"))
                .findFirst()
                .orElseThrow();
        assertThat(s.baselines)
                .extracting(b -> b.feature)
                .containsExactlyInAnyOrder("vdd", "idd", "frequency", "temperature");
        assertThat(vdd.complete).isTrue();
        assertThat(vdd.n).isEqualTo(firstWindowVdd.size());
        assertThat(vdd.mean)
                .isCloseTo(firstWindowVdd.stream().mapToDouble(x -> x).average().orElseThrow(), within(1e-12));
        assertThat(vdd.id).startsWith("stream:");

        // Wafers: the die map holds the dies of every window that fired (end − 1 ≤ watermark).
        Map<String, Long> diesFired = new TreeMap<>();
        Map<String, Long> openWindows = new TreeMap<>();
        for (TestDie d : before) {
            long start = Math.floorDiv(d.time(), MIN) * MIN;
            if (start + MIN - 1 <= w) {
                diesFired.merge(d.wafer(), 1L, Long::sum); // each die once per wafer in this fixture
            }
            if (start + MIN - 1 + LATENESS > w) {
                openWindows.merge(d.wafer() + "@" + start, 1L, Long::sum);
            }
        }
        Map<String, Long> known = new HashMap<>();
        s.wafers.forEach(x -> known.put(x.waferId, (long) x.diesKnown));
        assertThat(known).isEqualTo(diesFired);
        Map<String, Long> open = new TreeMap<>();
        s.windows.forEach(x -> open.put(x.waferId + "@" + x.windowStart, x.devices));
        assertThat(open).isEqualTo(openWindows);
        assertThat(Set.copyOf(known.keySet())).containsExactlyInAnyOrder("WC0", "WC1", "WC2", "WC3");
    }
}
