package io.waferflow.serving;

import java.util.List;

/**
 * <b>Where derived features plug in.</b> Derived features (expressions over stored features and the drift baseline,
 * configured as {@code feature_group.derived}) are evaluated by {@code io.waferflow.derived.DerivedFeatures}, built
 * separately. Until it is wired here, no derived feature is configured, and a request that names one is refused.
 *
 * <p>To wire it: compile the definitions once when the server starts, check the names of a request in {@link #check},
 * and compute the values per entity from the row the server read (a derived feature's inputs are features of the same
 * row, so it costs no extra Redis round trip).
 */
final class DerivedFeatureSlot {

    private DerivedFeatureSlot() {}

    /** Refuses the request if it names a derived feature that is not configured (for now: any). */
    static void check(List<String> requested) {
        if (!requested.isEmpty()) {
            throw RequestError.badRequest("unknown derived feature " + requested.get(0) + " (none are configured)");
        }
    }
}
