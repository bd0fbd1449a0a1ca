package io.waferflow.config.registry;

import java.util.List;

/**
 * One stored feature column of a feature group as the feature registry describes it: its name, value type ({@code long}
 * or {@code double}), unit, what it means, how it is computed, and the raw input fields ({@code schema.fields}) it is
 * computed from. Only feature columns: the entity and window keys ({@code wafer_id}, {@code lot_id},
 * {@code window_start}, {@code window_end}) and the row metadata are not features.
 */
public record FeatureDefinition(
        String name, String type, String unit, String description, String transformation, List<String> inputs) {

    public FeatureDefinition {
        inputs = List.copyOf(inputs);
    }
}
