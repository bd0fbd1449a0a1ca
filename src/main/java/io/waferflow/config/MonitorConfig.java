package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code monitor} section: how the {@code monitor} job (SPEC 3) watches the models that use the features. It reads
 * predictions and actuals from their topics (on the {@code kafka} section's brokers), joins them by prediction id for
 * at most {@code label_max_delay}, and judges each model version per event-time {@code window}: accuracy or error
 * against a baseline (degradation), the prediction distribution against a reference (concept drift, with the
 * {@code drift} section's verdict), the model's inputs through the drift detector, and a retrain request when a finding
 * lasts.
 *
 * @param predictionsTopic predictions, JSON, keyed by prediction id (docs/monitoring.md has the contract)
 * @param actualsTopic actuals, JSON, keyed by prediction id
 * @param retrainTopic retrain requests; empty: none
 * @param groupId the Kafka consumer group of the monitor job's sources
 * @param window the tumbling event-time window (by prediction time) that metrics, concept drift and input drift use
 * @param outOfOrderness how far behind the newest event time a prediction or actual may arrive before it is late
 * @param labelMaxDelay how long a prediction waits for its actual (and an actual for its prediction) in state; a
 *     window's metrics are updated by late actuals until then
 * @param updateInterval a window that late actuals changed is emitted again at most this often (in event time: when the
 *     watermark passes the next multiple of it)
 * @param minLabels fewest labeled predictions a window needs before its accuracy or error is judged
 * @param baseline the accuracy each model version is compared with
 * @param degradation the drops (in accuracy points, 0-1) that are P2 and P1
 * @param predictionDrift the sample sizes concept drift needs (its thresholds are the {@code drift} section's)
 * @param retrainAfter how long degradation or concept drift must be firing before a retrain request
 * @param policy when a model finding becomes an alert (sustain, resolve, cooldown, escalation), in windows of
 *     {@code window}
 */
public record MonitorConfig(
        String predictionsTopic,
        String actualsTopic,
        String retrainTopic,
        String groupId,
        Duration window,
        Duration outOfOrderness,
        Duration labelMaxDelay,
        Duration updateInterval,
        int minLabels,
        Baseline baseline,
        Degradation degradation,
        PredictionDrift predictionDrift,
        Duration retrainAfter,
        AlertsConfig.Policy policy)
        implements Serializable {

    public MonitorConfig {
        Check.positive("window", window);
        Check.positive("label_max_delay", labelMaxDelay);
        Check.positive("update_interval", updateInterval);
        Check.positive("retrain_after", retrainAfter);
        Check.between("min_labels", minLabels, 1, Integer.MAX_VALUE);
        if (labelMaxDelay.compareTo(window) < 0) {
            throw InvalidValue.at(
                    "label_max_delay",
                    "is shorter than monitor.window " + window,
                    "set it to how late actuals really arrive (e.g. \"7 d\")");
        }
    }

    /**
     * {@code monitor.baseline}: a model version's baseline accuracy, configured per model name ({@code accuracy}, 0-1),
     * or else measured on its labeled predictions in the windows that end within {@code reference} of its first
     * window's start.
     */
    public record Baseline(Map<String, Double> accuracy, Duration reference) implements Serializable {

        public Baseline {
            accuracy = Map.copyOf(accuracy == null ? Map.of() : accuracy);
            accuracy.forEach((model, a) -> Check.share("accuracy." + model, a));
            Check.positive("reference", reference);
        }
    }

    /**
     * {@code monitor.degradation}: accuracy below the baseline by more than {@code p2_drop} is P2, {@code p1_drop} P1.
     */
    public record Degradation(double p2Drop, double p1Drop) implements Serializable {

        public Degradation {
            Check.share("p2_drop", p2Drop);
            Check.share("p1_drop", p1Drop);
            if (p1Drop < p2Drop) {
                throw InvalidValue.at("p1_drop", "is below p2_drop " + p2Drop, "use e.g. 0.05 (P2) and 0.10 (P1)");
            }
        }
    }

    /**
     * {@code monitor.prediction_drift}: the reference holds the predictions (scores, or regression values) of the first
     * windows until it has {@code min_reference}; a window with fewer than {@code min_current} gets no verdict. With
     * {@code rolling_windows} N &gt; 0 the concept-drift reference rolls instead: the N windows before the current one
     * (a verdict once they hold {@code min_reference}); 0 keeps it fixed.
     */
    public record PredictionDrift(int minReference, int minCurrent, int rollingWindows) implements Serializable {

        public PredictionDrift {
            Check.between("min_reference", minReference, 1, Integer.MAX_VALUE);
            Check.between("min_current", minCurrent, 1, Integer.MAX_VALUE);
            Check.between("rolling_windows", rollingWindows, 0, 10_000);
        }
    }

    /** The alert policy of model findings, counting in monitor windows. */
    public AlertPolicySpec modelPolicy(long graceMs) {
        return policy.spec("model", window.toMillis(), graceMs);
    }
}
