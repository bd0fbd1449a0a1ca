package io.waferflow.model;

/**
 * A request to retrain a model version (the {@code retrain} topic), sent when its degradation or concept drift has been
 * firing for {@code monitor.retrain_after}: which model, why, since when, and the input features that drifted. A Flink
 * POJO.
 */
public class RetrainEvent {

    /** {@code model/version/first-seen}: one event per episode, so a receiver can drop a re-sent one. */
    public String eventId;

    public String model;
    public String modelVersion;
    /** The alert type that triggered it, e.g. {@code model_degradation} or {@code concept_drift}. */
    public String reason;
    /** Event time the condition was first seen, and the event time at which it had lasted retrain_after. */
    public long since;

    public long at;
    /** The alert's message (numbers and root cause) for the person or system that retrains. */
    public String message;
    /** Input features that drifted in the same windows, most drifted (PSI) first, comma-separated. */
    public String driftedFeatures;

    public RetrainEvent() {}

    @Override
    public String toString() {
        return "retrain " + model + "/" + modelVersion + " (" + reason + " since " + since + ")";
    }
}
