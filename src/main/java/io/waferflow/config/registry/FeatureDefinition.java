package io.waferflow.config.registry;

import java.util.List;

/**
 * One feature column of a feature group as the registry declares it.
 *
 * <p>STAND-IN (issue 14 part 3, lineage): the minimal shape the lineage code reads; the feature registry's own
 * definition (issue 14 part 2) replaces this file at merge, keeping this signature.
 *
 * @param name the column name ({@code vdd_mean})
 * @param type the stored type ({@code long}, {@code double})
 * @param unit its unit ({@code V}, {@code %}, {@code share}); empty if none
 * @param description what it says about a wafer
 * @param transformation how it is computed from its inputs, with the window it is computed over
 * @param inputs the raw input schema fields it is computed from
 */
public record FeatureDefinition(
        String name, String type, String unit, String description, String transformation, List<String> inputs) {}
