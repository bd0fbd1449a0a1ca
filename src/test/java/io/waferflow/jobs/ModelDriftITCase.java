package io.waferflow.jobs;

import static io.waferflow.testing.GeneratedPredictions.classification;
import static io.waferflow.testing.GeneratedPredictions.labeled;
import static io.waferflow.testing.GeneratedPredictions.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import io.waferflow.testing.FeaturesJobRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ModelDrift#build} on a MiniCluster (parallelism 2) with the shipped configuration (15-minute windows, a
 * reference of 500 values): two versions of a yield classifier, 400 predictions per window over 8 windows. Version 1's
 * {@code vdd_mean} input shifts by 2.5 σ from the fifth window on, version 2's scores from 0.80 to 0.70 (2 σ). Every
 * other input and score keeps its distribution. The join's second emissions (with their actuals) carry wild values and
 * must not count: every window's count and mean equal those of the first emissions, computed here.
 */
@Timeout(180)
class ModelDriftITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    private static final long WINDOW = 15 * 60_000;
    private static final long START = Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();
    private static final int WINDOWS = 8;
    private static final int PER_WINDOW = 400;

    private static final int SHIFT_FROM = 4;
    private static final String[] INPUTS = {"vdd_mean", "idd_mean", "temp_mean"};
    private static final double[] MEAN = {1.20, 0.0021, 25};
    private static final double[] STD = {0.02, 0.0001, 1};

    @Test
    void shiftedInputsAndScoresDriftInTheirWindowsAndNothingElseDoes() throws Exception {
        FeaturesJobConfig config = TestConfigs.features();
        Map<String, Map<Integer, List<Double>>> counted = new HashMap<>();
        List<LabeledPrediction> input = generate(new Random(5), counted);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<LabeledPrediction> predictions = env.fromData(input)
                .uid("test-predictions")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<LabeledPrediction>forBoundedOutOfOrderness(
                                config.monitor().outOfOrderness())
                        .withTimestampAssigner((lp, t) -> lp.prediction.eventTime))
                .uid("test-watermarks");
        List<DriftMetric> metrics = new ArrayList<>();
        try (CloseableIterator<DriftMetric> it =
                ModelDrift.build(config, predictions).executeAndCollect("model-drift-it")) {
            it.forEachRemaining(metrics::add);
        }

        Map<String, Map<Long, DriftMetric>> byFeature = metrics.stream()
                .collect(Collectors.groupingBy(m -> m.feature, Collectors.toMap(m -> m.windowStart, m -> m, (a, b) -> {
                    throw new AssertionError("two metrics for one feature and window: " + a + " / " + b);
                })));
        List<String> noise = new ArrayList<>();
        int judgedStable = 0;
        List<String> features = new ArrayList<>();
        for (String version : List.of("1", "2")) {
            features.add("yield_class/" + version + ":prediction");
            for (String in : INPUTS) {
                features.add("yield_class/" + version + ":" + in);
            }
        }
        assertThat(byFeature.keySet()).containsExactlyInAnyOrderElementsOf(features);
        for (String feature : features) {
            Map<Long, DriftMetric> windows = byFeature.get(feature);
            assertThat(windows).as(feature).hasSize(WINDOWS);
            for (int w = 0; w < WINDOWS; w++) {
                DriftMetric m = windows.get(START + w * WINDOW);
                assertThat(m.windowEnd).isEqualTo(START + (w + 1) * WINDOW);
                assertThat(m.nCurrent).as(m.toString()).isEqualTo(PER_WINDOW);
                double[] values = counted.get(feature).get(w).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray();
                double mean = Arrays.stream(values).sum() / values.length;
                assertThat(m.currentMean).as(m.toString()).isCloseTo(mean, within(1e-9 * Math.abs(mean)));
                DriftVerdict expected = expected(feature, w);
                if (expected == DriftVerdict.STABLE && m.verdict == DriftVerdict.MODERATE) {
                    // Up to 1,024 values a side the statistics are exact, so an unshifted window can be judged moderate
                    // as often as KS rejects at alpha on equal distributions; never drift.
                    noise.add(m.toString());
                } else {
                    assertThat(m.verdict).as(m.toString()).isEqualTo(expected);
                }
                judgedStable += expected == DriftVerdict.STABLE ? 1 : 0;
            }
        }
        assertThat(noise.size())
                .as(
                        "unshifted windows judged moderate (alpha %s of %s windows): %s",
                        config.drift().alpha(), judgedStable, noise)
                .isLessThanOrEqualTo((int) Math.ceil(config.drift().alpha() * judgedStable));
    }

    /** Windows 0 and 1 form the 500-value reference (400, then 800 values); then drift only where a shift was made. */
    private static DriftVerdict expected(String feature, int window) {
        if (window < 2) {
            return DriftVerdict.INSUFFICIENT_DATA;
        }
        boolean shifted = feature.equals("yield_class/1:vdd_mean") || feature.equals("yield_class/2:prediction");
        return shifted && window >= SHIFT_FROM ? DriftVerdict.DRIFT : DriftVerdict.STABLE;
    }

    /** The predictions as the join emits them; {@code counted} gets the values that count, per feature and window. */
    private static List<LabeledPrediction> generate(Random random, Map<String, Map<Integer, List<Double>>> counted) {
        List<LabeledPrediction> out = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                long time = START + w * WINDOW + i * (WINDOW / PER_WINDOW);
                for (String version : List.of("1", "2")) {
                    boolean shift = w >= SHIFT_FROM;
                    double[] values = new double[INPUTS.length];
                    for (int f = 0; f < INPUTS.length; f++) {
                        double sigmas = shift && version.equals("1") && f == 0 ? 2.5 : 0;
                        values[f] = MEAN[f] + STD[f] * (sigmas + random.nextGaussian());
                    }
                    double score = (shift && version.equals("2") ? 0.70 : 0.80) + 0.05 * random.nextGaussian();
                    Prediction p = classification("yield_class", version, w + "-" + i, time, score, INPUTS, values);
                    out.add(unlabeled(p));
                    String key = p.modelKey() + ":";
                    int window = w;
                    counted.computeIfAbsent(key + "prediction", k -> new HashMap<>())
                            .computeIfAbsent(window, k -> new ArrayList<>())
                            .add(score);
                    for (int f = 0; f < INPUTS.length; f++) {
                        counted.computeIfAbsent(key + INPUTS[f], k -> new HashMap<>())
                                .computeIfAbsent(window, k -> new ArrayList<>())
                                .add(values[f]);
                    }
                    if (i % 4 == 0) {
                        Prediction wild = classification(
                                "yield_class", version, w + "-" + i, time, 0.01, INPUTS, new double[] {5, 1, 100});
                        out.add(labeled(wild));
                    }
                }
            }
        }
        return out;
    }
}
