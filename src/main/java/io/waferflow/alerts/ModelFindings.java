package io.waferflow.alerts;

/**
 * The alert keys, types and policy of model findings (issue 15): per model version ({@code model/version}),
 * {@code model:<modelKey>:degradation} and {@code model:<modelKey>:concept_drift}, judged by the {@code model} policy
 * ({@code MonitorConfig.modelPolicy}). Every model observation carries its model key as the context's subject, so the
 * root-cause join and the retrain trigger can key by it.
 */
public final class ModelFindings {

    public static final String POLICY = "model";
    public static final String DEGRADATION = "model_degradation";
    public static final String CONCEPT_DRIFT = "concept_drift";
    /** The suffix of a model key's concept-drift metric: {@code yield_class/1:prediction}. */
    public static final String PREDICTION_FEATURE = ":prediction";

    private ModelFindings() {}

    public static String degradationKey(String modelKey) {
        return "model:" + modelKey + ":degradation";
    }

    public static String conceptDriftKey(String modelKey) {
        return "model:" + modelKey + ":concept_drift";
    }

    /** {@code yield_class/1} of {@code yield_class/1:vdd_mean} (a model drift metric's feature). */
    public static String modelKeyOf(String driftFeature) {
        return driftFeature.substring(0, driftFeature.lastIndexOf(':'));
    }

    /** {@code vdd_mean} of {@code yield_class/1:vdd_mean}. */
    public static String inputOf(String driftFeature) {
        return driftFeature.substring(driftFeature.lastIndexOf(':') + 1);
    }

    public static boolean isConceptDrift(String driftFeature) {
        return driftFeature.endsWith(PREDICTION_FEATURE);
    }

    /** One window's observation of a model condition, its context filled in by the caller. */
    static AlertSignal signal(Alert context, boolean active) {
        return AlertSignal.of(context, POLICY, active);
    }
}
