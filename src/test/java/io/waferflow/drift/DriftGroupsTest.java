package io.waferflow.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.alerts.AlertSignal;
import io.waferflow.alerts.DriftSignals;
import io.waferflow.features.GroupDistributions;
import io.waferflow.features.WaferWindowAccumulator;
import io.waferflow.features.WaferWindowAggregator;
import io.waferflow.features.WaferWindowSummary;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.DriftGroups;
import io.waferflow.model.WaferParameterWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Drift per group, stage by stage: the wafer window's per-group distributions (with the in-window cap, and merged for
 * sessions), the cap per parameter, and the alert observations of a window with groups (one Benjamini–Hochberg family,
 * the group named, "only" when the feature does not drift overall). Expected values are counted from the test's input.
 */
class DriftGroupsTest {

    @Test
    void theWaferWindowKeepsEachTestersValuesApart() {
        WaferWindowAggregator agg = new WaferWindowAggregator(2, 200).withGroups(List.of("tester_id"), 32);
        WaferWindowAccumulator acc = agg.createAccumulator();
        Map<String, List<Double>> vddByTester = new TreeMap<>();
        for (int i = 0; i < 900; i++) {
            String tester = i % 3 == 0 ? null : "T" + i % 3;
            double vdd = 1.2 + i * 1e-4;
            agg.add(die(tester, vdd, i % 2 == 0 ? Double.NaN : 50.0), acc);
            if (tester != null) {
                vddByTester.computeIfAbsent(tester, t -> new ArrayList<>()).add(vdd);
            }
        }
        WaferWindowSummary s = agg.getResult(acc);

        assertThat(s.distributions[0].n).as("every value counts overall").isEqualTo(900);
        assertThat(Arrays.stream(s.groupDistributions).map(g -> g.group))
                .as("a die without a tester is in no group")
                .containsExactly("tester_id=T1", "tester_id=T2");
        for (GroupDistributions g : s.groupDistributions) {
            List<Double> want = vddByTester.get(DriftGroups.value(g.group));
            assertThat(g.distributions[0].n).isEqualTo(want.size());
            assertThat(g.distributions[0].mean)
                    .isCloseTo(want.stream().mapToDouble(v -> v).average().orElseThrow(), within(1e-12));
            assertThat(g.distributions[0].min).isEqualTo(want.get(0));
            assertThat(g.distributions[1].n).as("nulls are not counted").isEqualTo(150);
        }
    }

    @Test
    void testersBeyondTheCapShareTheOtherGroupAndSessionsMerge() {
        WaferWindowAggregator agg = new WaferWindowAggregator(1, 200).withGroups(List.of("tester_id"), 2);
        WaferWindowAccumulator a = agg.createAccumulator();
        WaferWindowAccumulator b = agg.createAccumulator();
        for (String t : List.of("T1", "T2", "T3", "T4")) {
            agg.add(die(t, 1.0, 0), a);
        }
        for (String t : List.of("T4", "T2", "T5")) {
            agg.add(die(t, 2.0, 0), b);
        }
        WaferWindowSummary alone = agg.getResult(b);
        assertThat(counts(alone)).isEqualTo(Map.of("tester_id=T4", 1L, "tester_id=T2", 1L, "tester_id=(other)", 1L));

        WaferWindowSummary merged = agg.getResult(agg.merge(a, b));
        // a's groups first (T1, T2, then T3 and T4 over the cap); b's T4 and T5 join (other), its T2 joins T2.
        assertThat(counts(merged)).isEqualTo(Map.of("tester_id=T1", 1L, "tester_id=T2", 2L, "tester_id=(other)", 4L));
        assertThat(merged.distributions[0].n).isEqualTo(7);
    }

    @Test
    void theCapPerParameterSendsLaterTestersToOther() throws Exception {
        try (var cap = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DriftGroupCap(2)), DriftGroupCap::key, Types.STRING)) {
            cap.open();
            for (String[] in : new String[][] {
                {"vdd", "T1"}, {"vdd", "T2"}, {"vdd", "T3"}, {"idd", "T3"}, {"vdd", "T1"}, {"vdd", "(other)"}
            }) {
                WaferParameterWindow w = new WaferParameterWindow();
                w.feature = in[0];
                w.group = DriftGroups.label("tester_id", in[1]);
                cap.processElement(new StreamRecord<>(w, 0));
            }
            assertThat(cap.extractOutputValues().stream()
                            .map(w -> w.feature + "@" + DriftGroups.value(w.group))
                            .collect(Collectors.toList()))
                    .as("the cap is per parameter: idd's first tester is T3")
                    .containsExactly("vdd@T1", "vdd@T2", "vdd@(other)", "idd@T3", "vdd@T1", "vdd@(other)");
            assertThat(cap.numKeyedStateEntries())
                    .as("admitted testers of vdd and of idd")
                    .isEqualTo(2);
        }
    }

    @Test
    void aTesterDriftingAloneIsNamedAndCorrectedWithEveryTestOfTheWindow() throws Exception {
        List<DriftMetric> window = new ArrayList<>();
        window.add(metric("vdd", null, DriftVerdict.STABLE, 1e-3));
        window.add(metric("idd", null, DriftVerdict.STABLE, 0.5));
        window.add(metric("vdd", "tester_id=T1", DriftVerdict.STABLE, 0.4));
        window.add(metric("vdd", "tester_id=T2", DriftVerdict.DRIFT, 1e-9));
        // Moderate at p 0.03: passes α alone, not Benjamini–Hochberg over all 6 tests (3rd smallest: 3/6 · 0.05 =
        // 0.025).
        window.add(metric("vdd", "tester_id=T3", DriftVerdict.MODERATE, 0.03));
        window.add(metric("idd", "tester_id=T2", DriftVerdict.STABLE, 0.3));

        Map<String, AlertSignal> signals = judge(window);

        assertThat(signals.keySet())
                .containsExactlyInAnyOrder(
                        "drift:vdd",
                        "drift:idd",
                        "drift:vdd:tester_id=T1",
                        "drift:vdd:tester_id=T2",
                        "drift:vdd:tester_id=T3",
                        "drift:idd:tester_id=T2",
                        "drift:*");
        AlertSignal t2 = signals.get("drift:vdd:tester_id=T2");
        assertThat(t2.active).isTrue();
        assertThat(t2.context.type).isEqualTo(DriftSignals.TYPE_GROUP);
        assertThat(t2.context.driftGroup).isEqualTo("tester_id=T2");
        assertThat(t2.context.feature).isEqualTo("vdd");
        assertThat(t2.context.title).startsWith("vdd drifting on tester T2 only: drift");
        assertThat(io.waferflow.model.AlertFacts.numbers(t2.context))
                .as("what the log, Slack and alerts tail show")
                .contains(new io.waferflow.model.AlertFacts.Fact("feature", "vdd on tester_id=T2"));
        assertThat(t2.context.fdrThreshold).as("2nd smallest p ≤ 2/6 · 0.05").isEqualTo(1e-3);
        assertThat(signals.get("drift:vdd:tester_id=T3").active)
                .as("not a discovery among 6 tests")
                .isFalse();
        assertThat(signals.get("drift:vdd").active).isFalse();
        assertThat(signals.get("drift:*").context.features).isEqualTo("vdd");
    }

    @Test
    void aTesterDriftingWithTheWholeFeatureSaysSo() throws Exception {
        Map<String, AlertSignal> signals = judge(List.of(
                metric("vdd", null, DriftVerdict.DRIFT, 1e-12),
                metric("vdd", "tester_id=T2", DriftVerdict.DRIFT, 1e-9),
                metric("vdd", "tester_id=(other)", DriftVerdict.STABLE, 0.5)));
        assertThat(signals.get("drift:vdd").active).isTrue();
        assertThat(signals.get("drift:vdd:tester_id=T2").context.title)
                .startsWith("vdd drifting on tester T2 (and overall)");
        assertThat(signals.get("drift:vdd:tester_id=(other)").context.title)
                .startsWith("vdd drifting on testers beyond drift.max_groups (and overall)");
        assertThat(signals.get("drift:*").context.features)
                .as("a feature counts once")
                .isEqualTo("vdd");
    }

    @Test
    void detectorKeysKeepOverallKeysAsTheyWere() {
        assertThat(DriftGroups.detectorKey("vdd", null)).isEqualTo("vdd");
        String key = DriftGroups.detectorKey("vdd", "tester_id=T07");
        assertThat(DriftGroups.featureOf(key)).isEqualTo("vdd");
        assertThat(DriftGroups.groupOf(key)).isEqualTo("tester_id=T07");
        assertThat(DriftGroups.groupOf("vdd")).isNull();
        assertThat(DriftGroups.describe("tester_id=T07")).isEqualTo("tester T07");
        assertThat(DriftGroups.describe("lot_id=L3")).isEqualTo("lot L3");
    }

    /**
     * What one group of one parameter keeps (docs/drift-and-alerts.md, "State bytes per group"): in the group detector
     * its baseline and its open drift window, each a {@link Distribution} (largest at the exact bound, 1,024 values),
     * and its label in the cap's state. Measured with the serializers the state backend uses.
     */
    @Test
    void stateBytesPerGroupStayBounded() throws Exception {
        var config = new org.apache.flink.api.common.ExecutionConfig().getSerializerConfig();
        var baselines = org.apache.flink.api.common.typeinfo.TypeInformation.of(Baseline.class)
                .createSerializer(config);
        var distributions = org.apache.flink.api.common.typeinfo.TypeInformation.of(Distribution.class)
                .createSerializer(config);
        int k = io.waferflow.TestConfigs.features().drift().sketchK();
        java.util.Random random = new java.util.Random(19);
        Map<Integer, Long> bytesAt = new TreeMap<>();
        for (int n : new int[] {600, 1024, 1025, 100_000}) {
            double[] values = random.doubles(n).map(v -> 1.2 + 0.02 * v).toArray();
            Baseline b = new Baseline();
            b.distribution = Distribution.ofValues(values, k);
            b.id = "stream:2026-11-27T08:00:00Z..2026-11-27T09:00:00Z";
            b.complete = true;
            var out = new org.apache.flink.core.memory.DataOutputSerializer(1 << 16);
            baselines.serialize(b, out);
            distributions.serialize(Distribution.ofValues(values, k), out);
            bytesAt.put(n, (long) out.length());
        }
        System.out.println("drift state bytes per group and parameter (baseline + open window), k = " + k
                + ", by values a side: " + bytesAt);
        assertThat(bytesAt.get(1024)).as("at the exact bound, whatever k").isLessThan(17_000);
        int sketch = org.apache.datasketches.kll.KllSketch.getMaxSerializedSizeBytes(
                k, 100_000, org.apache.datasketches.kll.KllSketch.SketchType.DOUBLES_SKETCH, false);
        assertThat(bytesAt.get(100_000))
                .as("sketched: two KLL sketches of k " + k + " and their moments")
                .isLessThan(2L * sketch + 1_000);
    }

    private static Map<String, AlertSignal> judge(List<DriftMetric> window) throws Exception {
        try (var signals = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DriftSignals(true, 0.05, 3)),
                (DriftMetric m) -> m.windowEnd,
                Types.LONG)) {
            signals.open();
            for (DriftMetric m : window) {
                signals.processElement(new StreamRecord<>(m, 99));
            }
            signals.processWatermark(new Watermark(99));
            return signals.extractOutputValues().stream().collect(Collectors.toMap(s -> s.key, s -> s));
        }
    }

    private static DriftMetric metric(String feature, String group, DriftVerdict verdict, double p) {
        DriftMetric m = new DriftMetric();
        m.feature = feature;
        m.driftGroup = group;
        m.windowStart = 0;
        m.windowEnd = 100;
        m.verdict = verdict;
        m.ksPValueConservative = p;
        m.psi = verdict == DriftVerdict.DRIFT ? 0.4 : verdict == DriftVerdict.MODERATE ? 0.15 : 0.01;
        m.ksD = 0.1;
        m.nBaseline = 3000;
        m.nCurrent = 600;
        return m;
    }

    private static DeviceTest die(String tester, double vdd, double idd) {
        DeviceTest d = new DeviceTest();
        d.waferId = "W";
        d.lotId = "L";
        d.testerId = tester;
        d.passFail = 1;
        d.parameters = new double[] {vdd, idd};
        return d;
    }

    private static Map<String, Long> counts(WaferWindowSummary s) {
        return Arrays.stream(s.groupDistributions).collect(Collectors.toMap(g -> g.group, g -> g.distributions[0].n));
    }
}
