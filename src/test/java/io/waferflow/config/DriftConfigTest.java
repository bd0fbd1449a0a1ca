package io.waferflow.config;

import io.waferflow.TestConfigs;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drift settings: the shipped defaults, and a baseline file checked at start-up, not when the first window closes. */
class DriftConfigTest {

    @TempDir
    Path tmp;

    @Test
    void shippedDefaultsAreTheSpecsThresholds() {
        DriftConfig d = TestConfigs.features().drift();
        assertThat(d.enabled()).isTrue();
        assertThat(d.sketchK()).isEqualTo(200);
        assertThat(d.rule().alpha).isEqualTo(0.05);
        assertThat(d.rule().psiModerate).isEqualTo(0.1);
        assertThat(d.rule().psiDrift).isEqualTo(0.25);
        assertThat(d.baselineFrom()).isEqualTo(DriftConfig.BaselineFrom.STREAM_RECORDS);
    }

    @Test
    void aBaselineFileIsCheckedAtStartUp() throws Exception {
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=file"))
                .hasMessageContaining("'drift.baseline.file'").hasMessageContaining("bin/waferflow baseline");
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=file",
                "drift.baseline.file=" + tmp.resolve("missing.json")))
                .hasMessageContaining("'drift.baseline.file'").hasMessageContaining("missing.json");
        Path notJson = Files.writeString(tmp.resolve("bad.json"), "{\"format\": \"something else\"}");
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=file", "drift.baseline.file=" + notJson))
                .hasMessageContaining("not a waferflow-baseline/1 file");

        Distribution vdd = Distribution.ofValues(new double[] {1.19, 1.2, 1.21}, 200);
        Path partial = tmp.resolve("partial.json");
        new BaselineFile("history.jsonl", Instant.EPOCH, 200, Map.of("vdd", vdd)).write(partial);
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=file", "drift.baseline.file=" + partial))
                .hasMessageContaining("no baseline for parameter 'idd'");

        Path full = tmp.resolve("full.json");
        new BaselineFile("history.jsonl", Instant.EPOCH, 200, Map.of("vdd", vdd, "idd", vdd, "frequency", vdd,
                "temperature", vdd)).write(full);
        DriftConfig d = TestConfigs.features("drift.baseline.from=file", "drift.baseline.file=" + full).drift();
        assertThat(d.readBaselineFile().features.get("vdd").n).isEqualTo(3);
        // Drift off: the file is not needed.
        assertThat(TestConfigs.features("drift.enabled=false", "drift.baseline.from=file").drift().enabled())
                .isFalse();
    }

    @Test
    void badThresholdsAreNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("drift.alpha=5"))
                .hasMessageContaining("'drift.alpha'").hasMessageContaining("0.05");
        assertThatThrownBy(() -> TestConfigs.features("drift.psi_drift=0.05"))
                .hasMessageContaining("'drift.psi_drift'");
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=yesterday"))
                .hasMessageContaining("stream_records, stream_period or file");
        assertThatThrownBy(() -> TestConfigs.features("quality.wafer.mean_shift_sigma=0"))
                .hasMessageContaining("'quality.wafer.mean_shift_sigma'");
    }
}
