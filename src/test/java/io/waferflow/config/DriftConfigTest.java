package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import org.junit.jupiter.api.Test;

/** Drift settings: the shipped defaults, and the thresholds' checks. */
class DriftConfigTest {

    @Test
    void shippedDefaultsAreTheSpecsThresholds() {
        DriftConfig d = TestConfigs.features().drift();
        assertThat(d.enabled()).isTrue();
        assertThat(d.sketchK()).as("PSI within 0.02 of exact (issue 19)").isEqualTo(1536);
        assertThat(d.rule().alpha).isEqualTo(0.05);
        assertThat(d.rule().psiModerate).isEqualTo(0.1);
        assertThat(d.rule().psiDrift).isEqualTo(0.25);
        assertThat(d.baselineFrom()).isEqualTo(DriftConfig.BaselineFrom.STREAM_RECORDS);
    }

    @Test
    void aBaselineFileIsRequiredWhenDriftReadsOne() {
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=file"))
                .hasMessageContaining("'drift.baseline.file'")
                .hasMessageContaining("bin/waferflow baseline");
        // Drift off: the file is not needed.
        assertThat(TestConfigs.features("drift.enabled=false", "drift.baseline.from=file")
                        .drift()
                        .enabled())
                .isFalse();
    }

    @Test
    void badThresholdsAreNamedWithTheFix() {
        assertThatThrownBy(() -> TestConfigs.features("drift.alpha=5"))
                .hasMessageContaining("'drift.alpha'")
                .hasMessageContaining("0.05");
        assertThatThrownBy(() -> TestConfigs.features("drift.psi_drift=0.05"))
                .hasMessageContaining("'drift.psi_drift'");
        assertThatThrownBy(() -> TestConfigs.features("drift.baseline.from=yesterday"))
                .hasMessageContaining("stream_records, stream_period or file");
        assertThatThrownBy(() -> TestConfigs.features("quality.wafer.mean_shift_sigma=0"))
                .hasMessageContaining("'quality.wafer.mean_shift_sigma'");
    }

    @Test
    void groupsAreOffByDefaultAndMustBeFieldsTheRecordsCarry() {
        DriftConfig d = TestConfigs.features().drift();
        assertThat(d.groupBy()).isEmpty();
        assertThat(d.grouped()).isFalse();
        assertThat(d.maxGroups()).isEqualTo(32);
        DriftConfig grouped = TestConfigs.features("drift.group_by=[tester_id]").drift();
        assertThat(grouped.groupBy()).containsExactly("tester_id");
        assertThat(grouped.grouped()).isTrue();
        assertThat(TestConfigs.features("drift.group_by=[tester_id]", "drift.enabled=false")
                        .drift()
                        .grouped())
                .isFalse();

        assertThatThrownBy(() -> TestConfigs.features("drift.group_by=[probe_card]"))
                .hasMessageContaining("'drift.group_by'")
                .hasMessageContaining("does not declare")
                .hasMessageContaining("tester_id");
        assertThatThrownBy(() -> TestConfigs.features("drift.group_by=[vdd]"))
                .hasMessageContaining("'drift.group_by'")
                .hasMessageContaining("do not carry");
        assertThatThrownBy(() -> TestConfigs.features("drift.group_by=[tester_id, tester_id]"))
                .hasMessageContaining("'drift.group_by'");
        assertThatThrownBy(() -> TestConfigs.features("drift.max_groups=0")).hasMessageContaining("'drift.max_groups'");
    }
}
