package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.ingest.PerRecordWatermarks;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.RetrainEvent;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.ResultSink;
import io.waferflow.testing.TestModelMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ModelJudgement#build} on a MiniCluster (parallelism 2) over bounded in-memory window metrics and model drift
 * metrics with per-record watermarks: a classifier at accuracy 0.92 for its 8 reference windows (the measured baseline,
 * 2 h of 15-min windows) then 0.78 while its input {@code vdd_mean} drifts (and {@code idd_mean} a little) gives one P1
 * {@code model_degradation} alert naming {@code vdd_mean} first, and a retrain request once it has fired for
 * retrain_after (1 h here), not earlier; its predictions' drift gives a {@code concept_drift} alert likewise.
 */
@Timeout(180)
class ModelJudgementITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    private static final long W = 15 * 60_000;
    private static final long H = 3_600_000;
    private static final long T0 = 1_796_342_400_000L; // 2026-12-04T00:00Z
    private static final String MODEL = "yield_class/1";
    private static final int GOOD_WINDOWS = 8;
    private static final int WINDOWS = 28;

    @Test
    void degradationWithDriftingVddAlertsP1NamesVddAndRequestsARetrain() throws Exception {
        FeaturesJobConfig config = TestConfigs.features("monitor.retrain_after=1 h", "monitor.baseline.reference=2 h");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);

        DataStream<ModelMetrics> metrics = env.fromData(metrics(), TypeInformation.of(ModelMetrics.class))
                .uid("test-metrics")
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<ModelMetrics>forGenerator(c -> new PerRecordWatermarks<>(0))
                                .withTimestampAssigner((m, t) -> m.windowEnd))
                .uid("test-metrics-watermarks");
        DataStream<DriftMetric> drift = env.fromData(drift(), TypeInformation.of(DriftMetric.class))
                .uid("test-drift")
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<DriftMetric>forGenerator(c -> new PerRecordWatermarks<>(0))
                                .withTimestampAssigner((m, t) -> m.windowEnd))
                .uid("test-drift-watermarks");
        ModelJudgement.Outputs outputs = ModelJudgement.build(config, metrics, drift);
        ResultSink<Alert> alertSink = new ResultSink<>("alerts");
        ResultSink<RetrainEvent> retrainSink = new ResultSink<>("retrain");
        alertSink.accept(outputs.alerts());
        retrainSink.accept(outputs.retrain());
        JobExecutionResult result = env.execute("model-judgement-it");
        List<Alert> alerts = alertSink.from(result);
        List<RetrainEvent> retrain = retrainSink.from(result);

        List<Alert> degradation = alerts.stream()
                .filter(a -> a.key.equals("model:" + MODEL + ":degradation"))
                .toList();
        assertThat(degradation).hasSize(1); // firing; the input ends while it holds (no resolution)
        Alert a = degradation.get(0);
        assertThat(a.status).isEqualTo(AlertStatus.FIRING);
        assertThat(a.type).isEqualTo("model_degradation");
        assertThat(a.severity).isEqualTo(AlertSeverity.P1);
        // Fires on the second degraded window of 2 of 3: the first is window GOOD_WINDOWS.
        assertThat(a.firstSeen).isEqualTo(T0 + (GOOD_WINDOWS + 1) * W);
        assertThat(a.features).startsWith("vdd_mean").isEqualTo("vdd_mean,idd_mean");
        assertThat(a.message).contains("vdd_mean 1.20 → 1.25, PSI 0.41").contains("accuracy 0.780");
        assertThat(a.baselineMean).isEqualTo(0.92);
        assertThat(a.runbook).isEqualTo("docs/runbooks/model-monitoring.md");

        List<Alert> concept = alerts.stream()
                .filter(x -> x.key.equals("model:" + MODEL + ":concept_drift"))
                .toList();
        assertThat(concept).hasSize(1);
        assertThat(concept.get(0).features).startsWith("vdd_mean");

        RetrainEvent r = retrain.stream()
                .filter(e -> e.reason.equals("model_degradation"))
                .findFirst()
                .orElseThrow();
        assertThat(retrain)
                .filteredOn(e -> e.reason.equals("model_degradation"))
                .hasSize(1);
        assertThat(r.since).isEqualTo(a.firstSeen);
        assertThat(r.at).isEqualTo(a.firstSeen + H);
        assertThat(r.model).isEqualTo("yield_class");
        assertThat(r.modelVersion).isEqualTo("1");
        assertThat(r.driftedFeatures).isEqualTo("vdd_mean,idd_mean");
        assertThat(retrain).filteredOn(e -> e.reason.equals("concept_drift")).hasSize(1);
    }

    /** Per window: revision 0 with 300 labels, then revision 1 with all 1000; accuracy 0.92, then 0.78. */
    private static List<ModelMetrics> metrics() {
        List<ModelMetrics> out = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            double accuracy = i < GOOD_WINDOWS ? 0.92 : 0.78;
            for (int revision = 0; revision < 2; revision++) {
                long labeled = revision == 0 ? 300 : 1000;
                out.add(TestModelMetrics.classification(
                        "yield_class", "1", T0 + i * W, W, revision, 1000, labeled, Math.round(accuracy * labeled)));
            }
        }
        return out;
    }

    private static List<DriftMetric> drift() {
        List<DriftMetric> out = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            boolean drifting = i >= GOOD_WINDOWS;
            out.add(metric(
                    i,
                    "vdd_mean",
                    drifting ? DriftVerdict.DRIFT : DriftVerdict.STABLE,
                    drifting ? 0.41 : 0.01,
                    1.2,
                    drifting ? 1.25 : 1.2));
            out.add(metric(
                    i,
                    "idd_mean",
                    drifting ? DriftVerdict.MODERATE : DriftVerdict.STABLE,
                    drifting ? 0.12 : 0.01,
                    0.0021,
                    drifting ? 0.00225 : 0.0021));
            out.add(metric(i, "freq_mean", DriftVerdict.STABLE, 0.01, 900, 900));
            out.add(metric(
                    i,
                    "prediction",
                    drifting ? DriftVerdict.DRIFT : DriftVerdict.STABLE,
                    drifting ? 0.3 : 0.01,
                    0.8,
                    drifting ? 0.6 : 0.8));
        }
        return out;
    }

    private static DriftMetric metric(int i, String input, DriftVerdict verdict, double psi, double from, double to) {
        return TestModelMetrics.drift(MODEL, input, T0 + i * W, W, verdict, psi, from, to);
    }
}
