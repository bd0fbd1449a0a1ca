package io.waferflow.derived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineValuesTest {

    @Test
    void everyStatisticOfADistributionIsNamedByParameter() {
        Map<String, Double> v = BaselineValues.of(Map.of("vdd", Distribution.ofValues(new double[] {1, 2, 3, 4}, 200)));
        // mean 2.5; sample variance ((1.5^2 + 0.5^2) * 2) / 3 = 5/3; fewer values than k: the sketch is exact
        assertThat(v.get("baseline.vdd.mean")).isCloseTo(2.5, within(1e-12));
        assertThat(v.get("baseline.vdd.std")).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(v.get("baseline.vdd.min")).isEqualTo(1.0);
        assertThat(v.get("baseline.vdd.max")).isEqualTo(4.0);
        assertThat(v.get("baseline.vdd.count")).isEqualTo(4.0);
        assertThat(v.get("baseline.vdd.p50")).isEqualTo(2.0);
        assertThat(v.get("baseline.vdd.p95")).isEqualTo(4.0);
    }

    @Test
    void whatADistributionCannotGiveIsLeftOut() {
        Map<String, Double> v = BaselineValues.of(
                Map.of("idd", Distribution.ofValues(new double[] {7}, 200), "frequency", new Distribution()));
        assertThat(v).containsEntry("baseline.idd.mean", 7.0).doesNotContainKey("baseline.idd.std");
        assertThat(v).containsEntry("baseline.frequency.count", 0.0).doesNotContainKey("baseline.frequency.mean");
    }

    @Test
    void aBaselineFileFeedsTheShippedVddZ(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("baseline.json");
        new BaselineFile(
                        "test",
                        Instant.parse("2026-12-01T00:00:00Z"),
                        200,
                        Map.of("vdd", Distribution.ofValues(new double[] {1.1, 1.2, 1.3}, 200)))
                .write(file);
        DerivedFeatures derived =
                DerivedFeatures.of(TestConfigs.features(), BaselineValues.of(BaselineFile.read(file).features));
        // baseline mean 1.2, sample std sqrt((0.01 + 0 + 0.01) / 2) = 0.1: (1.35 - 1.2) / 0.1 = 1.5
        assertThat(derived.evaluate("vdd_z", Map.of("vdd_mean", 1.35)::get)).isCloseTo(1.5, within(1e-9));
    }
}
