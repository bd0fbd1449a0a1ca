package io.waferflow.features;

import io.waferflow.sketch.QuantileSketches;

/**
 * The running values of one drift group ({@code tester_id=T07}) in one wafer window, per parameter: count, Welford mean
 * and M2, and the quantile sketch, as {@link WaferWindowAccumulator} keeps them for the whole window. Only with
 * {@code drift.group_by}; at most {@code drift.max_groups} per field and window, the rest in the field's
 * {@code (other)} group. A Flink POJO.
 */
public class GroupAccumulator {

    /** {@code <field>=<value>}. */
    public String group;

    public long[] count;
    public double[] mean;
    public double[] m2;
    public QuantileSketches sketches;

    public GroupAccumulator() {}

    static GroupAccumulator create(String group, int parameters, int sketchK) {
        GroupAccumulator g = new GroupAccumulator();
        g.group = group;
        g.count = new long[parameters];
        g.mean = new double[parameters];
        g.m2 = new double[parameters];
        g.sketches = QuantileSketches.create(parameters, sketchK);
        return g;
    }

    void add(double[] values) {
        for (int i = 0; i < count.length; i++) {
            double x = values[i];
            if (Double.isNaN(x)) {
                continue;
            }
            long n = ++count[i];
            double delta = x - mean[i];
            mean[i] += delta / n;
            m2[i] += delta * (x - mean[i]);
            sketches.update(i, x);
        }
    }

    void merge(GroupAccumulator other) {
        for (int i = 0; i < count.length; i++) {
            long na = count[i];
            long nb = other.count[i];
            if (nb == 0) {
                continue;
            }
            long n = na + nb;
            double delta = other.mean[i] - mean[i];
            mean[i] += delta * nb / n;
            m2[i] += other.m2[i] + delta * delta * ((double) na * nb / n);
            count[i] = n;
        }
        sketches.merge(other.sketches);
    }
}
