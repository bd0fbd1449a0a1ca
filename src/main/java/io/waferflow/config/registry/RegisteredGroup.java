package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A feature group's registry file ({@code <registry>/<group>.yaml}): name, entity key, description, owner, its features
 * (templates for the per-parameter ones, see {@link FeatureTemplate}) and every version, oldest first.
 */
public record RegisteredGroup(
        String name,
        String entity,
        String description,
        String owner,
        LinkedHashMap<String, FeatureTemplate> features,
        List<RegisteredVersion> versions) {

    public RegisteredGroup {
        features = features == null ? new LinkedHashMap<>() : new LinkedHashMap<>(features);
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    /**
     * Checks what binding cannot: every key present and sensible. Not in the constructor: Jackson reports an unknown
     * key only after constructing, and a misspelt key should be reported as misspelt, not as missing.
     */
    public RegisteredGroup check() {
        required("name", name);
        required("entity", entity);
        required("description", description);
        required("owner", owner);
        if (features.isEmpty()) {
            throw new ConfigException("features", "lists no feature", "declare every stored feature column");
        }
        features.forEach((feature, template) -> {
            if (template == null) {
                throw new ConfigException(
                        "features." + feature,
                        "is empty",
                        "give its type, unit, description," + " transformation and inputs");
            }
            template.check("features." + feature);
        });
        if (versions.isEmpty()) {
            throw new ConfigException("versions", "lists no version", "register v1 with its date and definition");
        }
        Set<String> seen = new HashSet<>();
        for (RegisteredVersion v : versions) {
            v.check();
            if (!seen.add(v.version())) {
                throw new ConfigException(
                        "versions[" + v.version() + "]", "is registered twice", "give every version a name of its own");
            }
        }
        return this;
    }

    private static void required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(
                    key, "is missing", "every registered group has a name, entity, description" + " and owner");
        }
    }

    public Optional<RegisteredVersion> version(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    public List<String> versionNames() {
        return versions.stream().map(RegisteredVersion::version).toList();
    }

    public RegisteredVersion latest() {
        return versions.get(versions.size() - 1);
    }

    /**
     * The features of a group whose schema has these parametric tests (name → unit, in schema order), in the order the
     * stores write them: a run of consecutive templates is expanded test by test ({@code vdd_mean, vdd_std, ...,
     * idd_mean, ...}), as the stores lay the columns out.
     */
    public List<FeatureDefinition> features(Map<String, String> parameterUnits) {
        List<FeatureDefinition> out = new ArrayList<>();
        List<Map.Entry<String, FeatureTemplate>> run = new ArrayList<>();
        for (Map.Entry<String, FeatureTemplate> f : features.entrySet()) {
            if (FeatureTemplate.isTemplate(f.getKey())) {
                run.add(f);
                continue;
            }
            expand(run, parameterUnits, out);
            out.add(f.getValue().expand(f.getKey(), null, null));
        }
        expand(run, parameterUnits, out);
        return out;
    }

    private static void expand(
            List<Map.Entry<String, FeatureTemplate>> run, Map<String, String> units, List<FeatureDefinition> out) {
        units.forEach((parameter, unit) -> run.forEach(t -> out.add(t.getValue().expand(t.getKey(), parameter, unit))));
        run.clear();
    }

    /** The features of a registered version, expanded over its recorded parametric tests. */
    public List<FeatureDefinition> features(RegisteredVersion v) {
        return features(v.definition().parameterUnits());
    }
}
