package io.waferflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.alerts.ModelFindings;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole monitor graph (join, window metrics with revisions, model drift, degradation, root cause, policy) on
 * simulated traffic with delayed actuals, on a MiniCluster (parallelism 2): a model whose accuracy drops from 0.92 to
 * 0.80 while its vdd_mean input shifts is alerted on after the drop, within two hours of event time, naming vdd_mean
 * first; the same traffic without the drop raises no degradation alert.
 */
class MonitorDetectionITCase {

    private static final long HOUR = 3_600_000L;

    @Test
    void aDegradingModelIsAlertedOnNamingVddAndAStableOneIsNot() throws Exception {
        FeaturesJobConfig config = TestConfigs.features();
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        List<SimulatedModelTraffic.Settings> runs = new ArrayList<>();
        long[] seeds = {11, 12, 13, 14};
        for (int r = 0; r < seeds.length; r++) {
            SimulatedModelTraffic.Settings s = new SimulatedModelTraffic.Settings();
            s.model = "run" + r;
            s.startMillis = start + r * 12 * HOUR;
            s.durationMillis = 12 * HOUR;
            if (r % 2 == 0) {
                s.degradeAt = s.startMillis + 6 * HOUR + 7 * 60_000L;
            }
            runs.add(s);
        }

        List<MonitorDetectionCommand.StampedAlert> alerts = MonitorDetectionCommand.alerts(config, runs, seeds);

        for (SimulatedModelTraffic.Settings s : runs) {
            String key = Prediction.modelKey(s.model, s.modelVersion);
            List<MonitorDetectionCommand.StampedAlert> degradations = alerts.stream()
                    .filter(a -> a.subject.equals(key)
                            && a.type.equals(ModelFindings.DEGRADATION)
                            && a.status == AlertStatus.FIRING)
                    .toList();
            if (s.degradeAt == Long.MAX_VALUE) {
                assertThat(degradations).as(key + " never degrades").isEmpty();
                continue;
            }
            assertThat(degradations).as(key + " degrades").isNotEmpty();
            MonitorDetectionCommand.StampedAlert first = degradations.stream()
                    .min((a, b) -> Long.compare(a.at, b.at))
                    .orElseThrow();
            assertThat(first.at).as(key + ": not before the drop").isGreaterThanOrEqualTo(s.degradeAt);
            assertThat(first.at).as(key + ": within two hours").isLessThanOrEqualTo(s.degradeAt + 2 * HOUR);
            assertThat(first.features).as(key + ": the root cause").startsWith("vdd_mean");
        }
    }
}
