package io.waferflow.alerts;

/**
 * What one model version's windows are judged against (state of {@link ModelDegradation}): a configured accuracy, or
 * the accuracy (classification) or MAE (regression) pooled over its reference windows once settled. A Flink POJO.
 */
public class ModelBaseline {

    public static final String CONFIGURED = "configured";
    public static final String MEASURED = "measured";

    /** {@code classification} or {@code regression}, from the model's first metrics. */
    public String task;
    /** Start of the model version's first window, and the end of its reference period (first start + reference). */
    public long firstWindowStart;

    public long referenceEnd;
    /** False while the reference windows are still being collected. */
    public boolean settled;
    /** {@link #CONFIGURED} or {@link #MEASURED}. */
    public String source;

    public double accuracy = Double.NaN;
    public double mae = Double.NaN;
    /** Labeled predictions and windows the measured baseline pools (0 when configured). */
    public long labeled;

    public int windows;

    public ModelBaseline() {}
}
