package io.waferflow.local.model;

/**
 * What really happened to one wafer in one event-time window of the traffic generator: the dies it tested in it and how
 * many passed (the truth, including dies whose records were malformed, late or replaced by a re-delivery).
 */
public record WaferWindowOutcome(
        String lotId, String waferId, long windowStart, long windowEnd, int devices, int passed) {

    public double yieldPct() {
        return 100.0 * passed / devices;
    }
}
