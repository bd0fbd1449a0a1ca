package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every alert type points at a runbook that exists and mentions the type; unknown types get pipeline health. */
class AlertGuidanceTest {

    @Test
    void everyTypeHasCausesActionsAndAnExistingRunbookThatCoversIt() throws Exception {
        assertThat(AlertGuidance.types())
                .containsExactlyInAnyOrder(
                        "drift",
                        "drift_group",
                        "drift_multiple",
                        "range_violations",
                        "distribution_shift",
                        "wafer_rejected",
                        "iqr_outliers",
                        "wafer_quarantined",
                        "online_store_down",
                        "model_degradation",
                        "concept_drift");
        for (String type : AlertGuidance.types()) {
            AlertGuidance.Guidance g = AlertGuidance.of(type);
            assertThat(g.likelyCauses()).as(type).isNotEmpty();
            assertThat(g.recommendedActions()).as(type).isNotEmpty();
            Path runbook = Path.of(g.runbook());
            assertThat(runbook).as(type).isRegularFile();
            assertThat(Files.readString(runbook)).as(type + " in " + runbook).contains("`" + type + "`");
        }
    }

    @Test
    void applyFillsTheAlertWithCopies() {
        Alert a = new Alert();
        a.type = "wafer_rejected";

        AlertGuidance.apply(a);
        a.likelyCauses[0] = "changed";

        assertThat(a.runbook).isEqualTo("docs/runbooks/wafer-rejected.md");
        assertThat(AlertGuidance.of("wafer_rejected").likelyCauses()[0]).isNotEqualTo("changed");
    }

    @Test
    void unknownTypesGetThePipelineHealthRunbook() {
        Alert a = new Alert();
        a.type = "checkpoint_failures";
        assertThat(AlertGuidance.apply(a).runbook).isEqualTo("docs/runbooks/pipeline-health.md");
        a.type = null;
        assertThat(AlertGuidance.apply(a).runbook).isEqualTo("docs/runbooks/pipeline-health.md");
        assertThat(Path.of(a.runbook)).isRegularFile();
    }
}
