package io.waferflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.AlertPolicySpec;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.drift.Distribution;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftStatistics;
import io.waferflow.drift.StepCdf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * False-alarm control across many tests (issue 5): 500 parametric tests, 48 hourly drift windows of 200 values each
 * (the smallest sample the shipped min_current allows, where PSI is noisiest) against a 5,000-value baseline, computed
 * with the production statistics (KLL sketches of the shipped drift.sketch_k), then judged by the production alert
 * stages with the shipped policy (2 of 3 windows) and Benjamini–Hochberg on and off. On data without drift the
 * drift-alert rate must stay within the configured target; three features shifted by 0.5 σ from hour 24 must still
 * fire. Every figure is asserted, with bounds derived from the statistics, and printed for BENCHMARKS.md.
 */
class DriftFalseAlarmTest {

    private static final int FEATURES = 500;
    private static final int HOURS = 48;
    private static final int BASELINE_N = 5_000;
    private static final int WINDOW_N = 200;
    private static final long H = 3_600_000;
    private static final Set<String> DRIFTED = Set.of("p007", "p250", "p499");
    private static final int DRIFT_FROM_HOUR = 24;

    private final FeaturesJobConfig config = TestConfigs.features();

    /** Every window's drift metrics, computed once and judged under each setting. */
    private List<List<DriftMetric>> metrics(boolean withDrift) {
        Random random = new Random(2026);
        int k = config.drift().sketchK();
        List<Distribution> baselines = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            baselines.add(Distribution.ofValues(normal(random, BASELINE_N, 0), k));
        }
        List<List<DriftMetric>> windows = new ArrayList<>();
        for (int hour = 1; hour <= HOURS; hour++) {
            List<DriftMetric> window = new ArrayList<>();
            for (int f = 0; f < FEATURES; f++) {
                String name = String.format("p%03d", f);
                double shift = withDrift && DRIFTED.contains(name) && hour > DRIFT_FROM_HOUR ? 0.5 : 0;
                Distribution current = Distribution.ofValues(normal(random, WINDOW_N, shift), k);
                DriftMetric m = DriftStatistics.compare(
                        name,
                        StepCdf.of(baselines.get(f), k),
                        baselines.get(f),
                        StepCdf.of(current, k),
                        current,
                        config.drift().rule());
                m.windowStart = (hour - 1) * H;
                m.windowEnd = hour * H;
                window.add(m);
            }
            windows.add(window);
        }
        return windows;
    }

    private static double[] normal(Random random, int n, double shift) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = shift + random.nextGaussian();
        }
        return v;
    }

    /** Runs the signal and policy stages over the windows; returns the FIRING drift alerts and counts conditions. */
    private Result judge(List<List<DriftMetric>> windows, boolean fdr, int fireN, int fireM) throws Exception {
        AlertPolicySpec policy = config.alerts().driftPolicy();
        long grace = policy.graceMs;
        Result r = new Result();
        try (var signals = new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DriftSignals(
                                fdr, config.alerts().fdrQ(), config.alerts().severalFeatures())),
                        (DriftMetric m) -> m.windowEnd,
                        Types.LONG);
                var alerts = new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertPolicy(Map.of(
                                "drift",
                                new AlertPolicySpec(
                                        "drift",
                                        fireN,
                                        fireM,
                                        policy.resolveK,
                                        policy.cooldownMs,
                                        policy.escalateAfterMs,
                                        H,
                                        grace)))),
                        (AlertSignal s) -> s.key,
                        Types.STRING)) {
            signals.open();
            alerts.open();
            int consumed = 0;
            for (List<DriftMetric> window : windows) {
                long at = window.get(0).windowEnd - 1 + grace;
                for (DriftMetric m : window) {
                    signals.processElement(new StreamRecord<>(m, at));
                }
                signals.processWatermark(new Watermark(at));
                List<AlertSignal> out = signals.extractOutputValues();
                for (AlertSignal s : out.subList(consumed, out.size())) {
                    if (s.active && s.key.startsWith("drift:p")) {
                        r.conditionWindows++;
                    }
                    alerts.processElement(new StreamRecord<>(s, at));
                }
                consumed = out.size();
                alerts.processWatermark(new Watermark(at));
            }
            for (Alert a : alerts.extractOutputValues()) {
                if (a.status == AlertStatus.FIRING && a.type.equals(DriftSignals.TYPE)) {
                    r.fired.add(a.subject);
                    r.firings++;
                }
            }
        }
        return r;
    }

    private static final class Result {
        long conditionWindows;
        long firings;
        final Set<String> fired = new TreeSet<>();
    }

    @Test
    void fdrKeepsFalseAlarmsWithinTargetAndRealDriftStillFires() throws Exception {
        double target = config.alerts().falseAlarmTargetPerHour();
        AlertPolicySpec shipped = config.alerts().driftPolicy();
        List<List<DriftMetric>> quiet = metrics(false);
        List<List<DriftMetric>> drifting = metrics(true);
        StringBuilder table = new StringBuilder(String.format(
                "%n| FDR | no drift: windows with a drift condition "
                        + "(of %,d) | no drift: alerts / hour, policy 1 of 1 | no drift: alerts / hour, policy %d of "
                        + "%d "
                        + "(shipped) | 3 drifted features fired (shipped policy) | other features fired |%n"
                        + "|---|---|---|---|---|---|%n",
                FEATURES * HOURS, shipped.fireN, shipped.fireM));
        Map<Boolean, Result[]> results = new java.util.TreeMap<>();
        for (boolean fdr : new boolean[] {false, true}) {
            Result any = judge(quiet, fdr, 1, 1);
            Result none = judge(quiet, fdr, shipped.fireN, shipped.fireM);
            Result some = judge(drifting, fdr, shipped.fireN, shipped.fireM);
            results.put(fdr, new Result[] {any, none, some});
            table.append(String.format(
                    "| %s | %d | %.3f | %.3f | %s | %d |%n",
                    fdr ? "on (q " + config.alerts().fdrQ() + ")" : "off",
                    none.conditionWindows,
                    (double) any.firings / HOURS,
                    (double) none.firings / HOURS,
                    some.fired.containsAll(DRIFTED) ? "all 3" : some.fired.toString(),
                    others(some).size()));
        }
        System.out.println("DriftFalseAlarmTest (500 features x 48 hourly windows, 200 values per window, baseline "
                + "5,000, k " + config.drift().sketchK() + "):" + table);

        // The bounds below come from the statistics, not from a run. Without drift every one of the 24,000
        // feature-windows is a null test. Its verdict needs the conservative KS p-value below alpha (0.05): D minus
        // the baseline sketch's rank error (about 0.0024 at k = 1,536; 200 current values are kept exactly) beyond
        // the 5 % critical value 1.36 / sqrt(200 * 5000 / 5200) = 0.098, so D >= 0.1, which the asymptotic Kolmogorov
        // tail puts at 2 exp(-2 (0.1 * 13.87)^2) = 4.3 % of null windows, about 1,000; PSI >= 0.1 must hold as well,
        // which about a fifth of those reach (BENCHMARKS.md: 202 at k = 1,536; 103 at k = 200, whose rank error of
        // 0.0165 raised the bar to D >= 0.115). Counts of rare events among 24,000 nearly
        // independent tests spread by about their square root (about 14).
        Result[] off = results.get(false);
        assertThat(off[1].conditionWindows)
                .as("FDR off: null windows with a drift condition (expected about 200, "
                        + "at most alpha x 24,000 = 1,200 for a level-alpha test)")
                .isBetween(48L, 1_200L);
        // Alert on every condition (1 of 1): every condition of a key not already firing fires, so firings are at
        // most the conditions and (2 h cooldown, resolve after 2 windows: few repeats) close to them. At least one an
        // hour (48, well below the expected ~200) shows why FDR is there: ten times the objective.
        assertThat(off[0].firings)
                .as("FDR off, policy 1 of 1: false alerts in 48 h")
                .isBetween(48L, off[1].conditionWindows);
        assertThat((double) off[0].firings / HOURS).isGreaterThan(10 * target);
        // The shipped 2 of 3 needs two conditions of one parameter within three windows: about
        // 500 x 46 x 3 x (200 / 24,000)^2 = 4.8 in 48 h (BENCHMARKS.md: 5; 1 at k = 200). Ten or more has a Poisson
        // probability of about 3 %; the data are seeded and the statistics reproducible, so the count is fixed.
        assertThat(off[1].firings)
                .as("FDR off, shipped policy: false alerts in 48 h (expected about 5)")
                .isLessThan(10);
        assertThat(others(off[2]))
                .as("FDR off, shipped policy: undrifted parameters fired in the drifting run " + "(same rate as above)")
                .hasSizeLessThan(10);

        // With FDR a window's smallest p must pass q / 500 = 1e-4: D >= 1e-4's critical value 0.151 plus 0.0165,
        // which a null test reaches with probability about 2 exp(-2 (0.168 * 13.87)^2) = 4e-5, so at most about one
        // condition in 48 h over all 500 parameters (none in every run so far). Five would need a Poisson(1) event
        // of probability below 0.4 %, and five in 48 h is what the objective (0.1 an hour) allows.
        Result[] on = results.get(true);
        assertThat(on[1].conditionWindows)
                .as("FDR on: null windows with a drift condition")
                .isLessThan(5);
        assertThat((double) on[0].firings / HOURS)
                .as("FDR on, policy 1 of 1: false alerts per hour")
                .isLessThanOrEqualTo(target);
        // Two such conditions of one parameter within three windows: expected 500 x 46 x 3 x (4e-5)^2 = 1e-4.
        assertThat(on[1].firings).as("FDR on, shipped policy: false alerts").isZero();
        assertThat(others(on[2]))
                .as("FDR on, shipped policy: undrifted parameters fired in the drifting run")
                .isEmpty();
        for (Result[] r : results.values()) {
            // A 0.5 sigma shift on 200 values: D about 0.2 (p about 1e-5 after the sketch error, past BH's 1e-4) and
            // PSI about 0.25: past both thresholds in most windows.
            assertThat(r[2].fired).as("truly drifted features fire").containsAll(DRIFTED);
        }
    }

    private static Set<String> others(Result drifting) {
        Set<String> others = new TreeSet<>(drifting.fired);
        others.removeAll(DRIFTED);
        return others;
    }
}
