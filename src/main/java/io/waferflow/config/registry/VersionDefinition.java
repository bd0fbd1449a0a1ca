package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.FieldSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a version computes, as its registry entry records it ({@code versions[].definition}): the window, the parametric
 * tests (name → unit, in schema order; the per-parameter features are expanded over them) and the derived features
 * readers compute from its rows. Kept for every version, so {@code registry diff} can say what changed between two.
 */
public record VersionDefinition(
        WindowDefinition window, LinkedHashMap<String, String> parameters, LinkedHashMap<String, String> derived) {

    public VersionDefinition {
        parameters = parameters == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parameters);
        parameters.replaceAll((name, unit) -> unit == null ? "" : unit);
        derived = derived == null ? new LinkedHashMap<>() : new LinkedHashMap<>(derived);
    }

    /** The definition a configuration runs with, to compare with the registered one. */
    public static VersionDefinition of(FeaturesJobConfig c) {
        LinkedHashMap<String, String> parameters = new LinkedHashMap<>();
        for (FieldSpec p : c.schema().parameters()) {
            parameters.put(p.name(), p.unit() == null ? "" : p.unit());
        }
        return new VersionDefinition(
                WindowDefinition.of(c.window()), parameters, new LinkedHashMap<>(c.derivedFeatures()));
    }

    void check(String where) {
        if (window == null) {
            throw new ConfigException(
                    where + ".window",
                    "is missing",
                    "write the version's window, e.g." + " {type: tumbling, size: 5 min, allowed_lateness: 1 min}");
        }
        window.check(where + ".window");
        if (parameters.isEmpty()) {
            throw new ConfigException(
                    where + ".parameters", "lists no parametric test", "write them as name: unit, e.g. {vdd: V}");
        }
    }

    public Map<String, String> parameterUnits() {
        return Collections.unmodifiableMap(parameters);
    }
}
