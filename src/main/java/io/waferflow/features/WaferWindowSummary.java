package io.waferflow.features;

import io.waferflow.drift.Distribution;

/**
 * What the window operator emits for one wafer window: the wafer's features as far as the window alone gives them (all
 * but neighbour yield and the revision, which {@link WaferFeatureFinalizer} adds, since they need the wafer's earlier
 * windows), and what only the finalizer needs: the window's dies and, with drift on, its distributions. A Flink POJO,
 * never in state.
 */
public class WaferWindowSummary {

    public WaferFeatures features;
    /** Per parameter, its values' sketch and moments, when drift detection is on (else null). */
    public Distribution[] distributions;
    /** Per drift group seen in the window, its distributions, when drift groups are on (else null). */
    public GroupDistributions[] groupDistributions;
    /** The window's dies (packed x/y) and, for each, the event time of its latest test. */
    public int[] dieKeys;

    public long[] dieStamps;

    public WaferWindowSummary() {}
}
