package io.waferflow.features;

import io.waferflow.config.InputSchema;
import io.waferflow.drift.Distribution;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import io.waferflow.model.DriftGroups;
import io.waferflow.sketch.QuantileSketches;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incremental aggregation of a wafer window: each record updates counts, Welford moments, min/max and a KLL sketch per
 * parameter in O(parameters), so a window's state does not grow with its record count (apart from 12 bytes per die for
 * neighbour yield). {@link #merge} combines partial aggregates exactly (Chan et al.) for session windows.
 *
 * <p>With drift groups ({@link #withGroups}) each record also updates its groups' moments and sketches (one group per
 * grouping field: its value), so the window's state holds the sketches once more per group it saw, at most
 * {@code maxGroups} per field plus the field's {@code (other)} group.
 */
public class WaferWindowAggregator
        implements AggregateFunction<DeviceTestBatch, WaferWindowAccumulator, WaferWindowSummary> {

    private static final long serialVersionUID = 1L;

    private static final double P50 = 0.5;
    private static final double P95 = 0.95;
    private static final int INITIAL_DIES = 64;

    private final int parameters;
    private final int sketchK;
    private final boolean withDistributions;
    /** Drift grouping fields; empty when drift is per parameter only. */
    private final List<String> groupFields;

    private final int maxGroups;

    public WaferWindowAggregator(int parameters, int sketchK) {
        this(parameters, sketchK, false, List.of(), 0);
    }

    private WaferWindowAggregator(
            int parameters, int sketchK, boolean withDistributions, List<String> groupFields, int maxGroups) {
        this.parameters = parameters;
        this.sketchK = sketchK;
        this.withDistributions = withDistributions;
        this.groupFields = List.copyOf(groupFields);
        this.maxGroups = maxGroups;
    }

    /** The same, also putting each parameter's {@link Distribution} (sketch and moments) in the summary, for drift. */
    public WaferWindowAggregator withDistributions() {
        return new WaferWindowAggregator(parameters, sketchK, true, groupFields, maxGroups);
    }

    /**
     * The same with distributions, also per drift group: each value of each of {@code fields} (at most
     * {@code maxGroups} per field in a window, later values in the field's {@code (other)} group).
     */
    public WaferWindowAggregator withGroups(List<String> fields, int maxGroups) {
        return new WaferWindowAggregator(parameters, sketchK, true, fields, maxGroups);
    }

    public static WaferWindowAggregator forSchema(InputSchema schema, int sketchK) {
        return new WaferWindowAggregator(schema.parameterCount(), sketchK);
    }

    @Override
    public WaferWindowAccumulator createAccumulator() {
        WaferWindowAccumulator acc = new WaferWindowAccumulator();
        acc.count = new long[parameters];
        acc.mean = new double[parameters];
        acc.m2 = new double[parameters];
        acc.min = new double[parameters];
        acc.max = new double[parameters];
        Arrays.fill(acc.min, Double.POSITIVE_INFINITY);
        Arrays.fill(acc.max, Double.NEGATIVE_INFINITY);
        acc.sketches = QuantileSketches.create(parameters, sketchK);
        acc.flagged = new long[parameters];
        acc.dieKeys = new int[INITIAL_DIES];
        acc.dieStamps = new long[INITIAL_DIES];
        if (!groupFields.isEmpty()) {
            acc.groups = new GroupAccumulator[0];
        }
        return acc;
    }

    /** Adds the batch's tests one by one, in order ({@link WindowBatches}): the same as adding each on its own. */
    @Override
    public WaferWindowAccumulator add(DeviceTestBatch batch, WaferWindowAccumulator acc) {
        for (DeviceTest t : batch.tests) {
            add(t, acc);
        }
        return acc;
    }

    public WaferWindowAccumulator add(DeviceTest r, WaferWindowAccumulator acc) {
        if (acc.lotId == null) {
            acc.lotId = r.lotId;
        }
        if (r.quarantined) {
            acc.quarantined++;
            return acc;
        }
        acc.deviceCount++;
        if (r.passed()) {
            acc.passCount++;
        }
        acc.testTimeSum += r.testTimeMs;
        if (r.flagged) {
            acc.devicesFlagged++;
        }
        long[] flaggedParameters = r.flaggedParameters;
        if (flaggedParameters != null) {
            for (int w = 0; w < flaggedParameters.length; w++) {
                long bits = flaggedParameters[w];
                while (bits != 0) {
                    acc.flagged[w * 64 + Long.numberOfTrailingZeros(bits)]++;
                    bits &= bits - 1;
                }
            }
        }
        double[] values = r.parameters;
        for (int i = 0; i < parameters; i++) {
            double x = values[i];
            if (Double.isNaN(x)) {
                continue;
            }
            long n = ++acc.count[i];
            double delta = x - acc.mean[i];
            acc.mean[i] += delta / n;
            acc.m2[i] += delta * (x - acc.mean[i]);
            if (x < acc.min[i]) {
                acc.min[i] = x;
            }
            if (x > acc.max[i]) {
                acc.max[i] = x;
            }
            acc.sketches.update(i, x);
        }
        for (String field : groupFields) {
            String value = DriftGroups.valueOf(r, field);
            if (value != null) {
                slot(acc, field, DriftGroups.label(field, value)).add(values);
            }
        }
        appendDie(acc, DieKeys.key(r.dieX, r.dieY), DieKeys.stamp(r.eventTime, r.passed()));
        return acc;
    }

    /** The window's accumulator of a group, new if need be: the field's (other) group once it has maxGroups. */
    private GroupAccumulator slot(WaferWindowAccumulator acc, String field, String group) {
        GroupAccumulator found = find(acc, group);
        if (found != null) {
            return found;
        }
        int ofField = 0;
        for (GroupAccumulator g : acc.groups) {
            if (DriftGroups.field(g.group).equals(field) && !DriftGroups.isOther(g.group)) {
                ofField++;
            }
        }
        if (ofField >= maxGroups) {
            String other = DriftGroups.label(field, DriftGroups.OTHER);
            found = find(acc, other);
            if (found != null) {
                return found;
            }
            group = other;
        }
        GroupAccumulator g = GroupAccumulator.create(group, parameters, sketchK);
        acc.groups = Arrays.copyOf(acc.groups, acc.groups.length + 1);
        acc.groups[acc.groups.length - 1] = g;
        return g;
    }

    private static GroupAccumulator find(WaferWindowAccumulator acc, String group) {
        for (GroupAccumulator g : acc.groups) {
            if (g.group.equals(group)) {
                return g;
            }
        }
        return null;
    }

    private static void appendDie(WaferWindowAccumulator acc, int key, long stamp) {
        if (acc.dieCount == acc.dieKeys.length) {
            acc.dieKeys = Arrays.copyOf(acc.dieKeys, acc.dieCount * 2);
            acc.dieStamps = Arrays.copyOf(acc.dieStamps, acc.dieCount * 2);
        }
        acc.dieKeys[acc.dieCount] = key;
        acc.dieStamps[acc.dieCount] = stamp;
        acc.dieCount++;
    }

    @Override
    public WaferWindowSummary getResult(WaferWindowAccumulator acc) {
        WaferWindowSummary s = new WaferWindowSummary();
        WaferFeatures f = WaferFeatures.forParameters(parameters);
        s.features = f;
        f.lotId = acc.lotId;
        f.deviceCount = acc.deviceCount;
        f.yieldPct = acc.deviceCount == 0 ? Double.NaN : 100.0 * acc.passCount / acc.deviceCount;
        f.avgTestTimeMs = acc.deviceCount == 0 ? Double.NaN : acc.testTimeSum / acc.deviceCount;
        double devices = acc.deviceCount;
        f.devicesFlaggedPct = devices == 0 ? Double.NaN : 100.0 * acc.devicesFlagged / devices;
        f.quarantineRate = (double) acc.quarantined / (acc.deviceCount + acc.quarantined);
        for (int i = 0; i < parameters; i++) {
            long n = acc.count[i];
            f.nullRate[i] = devices == 0 ? Double.NaN : (devices - n) / devices;
            f.flaggedRate[i] = devices == 0 ? Double.NaN : acc.flagged[i] / devices;
            f.mean[i] = n == 0 ? Double.NaN : acc.mean[i];
            f.std[i] = n < 2 ? Double.NaN : Math.sqrt(acc.m2[i] / (n - 1));
            f.min[i] = n == 0 ? Double.NaN : acc.min[i];
            f.max[i] = n == 0 ? Double.NaN : acc.max[i];
            double[] q = acc.sketches.quantiles(i, P50, P95);
            f.p50[i] = q[0];
            f.p95[i] = q[1];
        }
        if (withDistributions) {
            s.distributions = new Distribution[parameters];
            for (int i = 0; i < parameters; i++) {
                s.distributions[i] = Distribution.of(acc.sketches.toSketch(i), acc.count[i], acc.mean[i], acc.m2[i]);
            }
        }
        if (acc.groups != null) {
            s.groupDistributions = new GroupDistributions[acc.groups.length];
            for (int g = 0; g < acc.groups.length; g++) {
                GroupAccumulator group = acc.groups[g];
                GroupDistributions d = new GroupDistributions();
                d.group = group.group;
                d.distributions = new Distribution[parameters];
                for (int i = 0; i < parameters; i++) {
                    d.distributions[i] =
                            Distribution.of(group.sketches.toSketch(i), group.count[i], group.mean[i], group.m2[i]);
                }
                s.groupDistributions[g] = d;
            }
        }
        s.dieKeys = Arrays.copyOf(acc.dieKeys, acc.dieCount);
        s.dieStamps = Arrays.copyOf(acc.dieStamps, acc.dieCount);
        return s;
    }

    @Override
    public WaferWindowAccumulator merge(WaferWindowAccumulator a, WaferWindowAccumulator b) {
        if (a.lotId == null) {
            a.lotId = b.lotId;
        }
        a.deviceCount += b.deviceCount;
        a.passCount += b.passCount;
        a.testTimeSum += b.testTimeSum;
        a.devicesFlagged += b.devicesFlagged;
        a.quarantined += b.quarantined;
        for (int i = 0; i < parameters; i++) {
            long na = a.count[i];
            long nb = b.count[i];
            a.flagged[i] += b.flagged[i];
            if (nb == 0) {
                continue;
            }
            long n = na + nb;
            double delta = b.mean[i] - a.mean[i];
            a.mean[i] += delta * nb / n;
            a.m2[i] += b.m2[i] + delta * delta * ((double) na * nb / n);
            a.count[i] = n;
            a.min[i] = Math.min(a.min[i], b.min[i]);
            a.max[i] = Math.max(a.max[i], b.max[i]);
        }
        a.sketches.merge(b.sketches);
        if (a.groups != null && b.groups != null) {
            for (GroupAccumulator g : b.groups) {
                GroupAccumulator into = find(a, g.group);
                if (into == null) {
                    into = slot(a, DriftGroups.field(g.group), g.group);
                }
                into.merge(g);
            }
        }
        for (int d = 0; d < b.dieCount; d++) {
            appendDie(a, b.dieKeys[d], b.dieStamps[d]);
        }
        return a;
    }
}
