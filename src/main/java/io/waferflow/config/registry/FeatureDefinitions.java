package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.InputSchema;
import io.waferflow.model.FeatureColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The registry's view of a configuration's feature group: the start-up check every job that writes or reads a group
 * runs, and the feature list other tools (lineage, documentation) describe a group by. Reads the registry from the
 * configuration's {@code feature_group.registry} directory on the machine that builds the job (the client): call it
 * where the job is built, not in operators.
 */
public final class FeatureDefinitions {

    private FeatureDefinitions() {}

    /**
     * The stored feature columns of the configuration's group, in the order the stores write them, as the registry
     * describes them for the configuration's parametric tests.
     *
     * @throws ConfigException if the group or its version is not registered, or the registry's features are not the
     *     columns the configuration makes (a column missing from the registry, one the job does not make, or another
     *     type)
     */
    public static List<FeatureDefinition> of(FeaturesJobConfig config) {
        return of(config, FeatureRegistry.load(config.registryDirectory()));
    }

    /** {@link #of(FeaturesJobConfig)} with the registry already loaded. */
    public static List<FeatureDefinition> of(FeaturesJobConfig config, FeatureRegistry registry) {
        RegisteredGroup group = registry.group(config.featureGroup());
        registry.version(config.featureGroup(), config.featureVersion());
        List<FeatureDefinition> registered =
                group.features(VersionDefinition.of(config).parameterUnits());
        Map<String, FeatureDefinition> byName = new LinkedHashMap<>();
        registered.forEach(f -> byName.put(f.name(), f));
        FeatureColumns columns = new FeatureColumns(config.schema().parameterNames());
        String file = registry.directory().resolve(group.name() + ".yaml").toString();
        List<String> missing = new ArrayList<>();
        List<FeatureDefinition> out = new ArrayList<>();
        for (String column : columns.names()) {
            FeatureDefinition f = withFieldLists(byName.remove(column), config.schema());
            if (f == null) {
                missing.add(column);
                continue;
            }
            String type = FeatureColumns.type(column);
            if (!f.type().equals(type)) {
                throw new ConfigException(
                        file + ": features." + column,
                        "is registered as " + f.type() + " but the stores write it as " + type,
                        "set its type to " + type);
            }
            out.add(f);
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(
                    file + ": features",
                    "lacks " + missing.size() + " feature column(s) the job writes: " + String.join(", ", missing),
                    "declare them (a per-parameter feature as a \"{parameter}_...\" template)");
        }
        if (!byName.isEmpty()) {
            throw new ConfigException(
                    file + ": features",
                    "declares feature(s) the job does not write: " + String.join(", ", byName.keySet()),
                    "remove them, or correct their names");
        }
        return out;
    }

    /**
     * {@code f} with {@link FeatureTemplate#PARAMETERS} and {@link FeatureTemplate#FIELDS} replaced by the schema's.
     */
    private static FeatureDefinition withFieldLists(FeatureDefinition f, InputSchema schema) {
        if (f == null) {
            return null;
        }
        List<String> inputs = new ArrayList<>();
        for (String input : f.inputs()) {
            switch (input) {
                case FeatureTemplate.PARAMETERS -> inputs.addAll(schema.parameterNames());
                case FeatureTemplate.FIELDS -> schema.fields().forEach(field -> inputs.add(field.name()));
                default -> inputs.add(input);
            }
        }
        return new FeatureDefinition(
                f.name(),
                f.type(),
                f.unit(),
                f.description(),
                f.transformation(),
                List.copyOf(new LinkedHashSet<>(inputs)));
    }

    /**
     * How the configuration differs from its version's registered definition (window, parametric tests, derived
     * features), one line each; empty if it runs as registered. Not refused: the stores' fingerprint decides whether
     * the version's rows were written with another definition (see {@link DefinitionFingerprint}).
     */
    public static List<String> unregisteredChanges(FeaturesJobConfig config, FeatureRegistry registry) {
        RegisteredGroup group = registry.group(config.featureGroup());
        RegisteredVersion registered = registry.version(config.featureGroup(), config.featureVersion());
        RegisteredVersion running = new RegisteredVersion(
                config.featureVersion() + " (configuration)",
                registered.date(),
                registered.changes(),
                VersionDefinition.of(config));
        return VersionDiff.between(group, registered, running);
    }
}
