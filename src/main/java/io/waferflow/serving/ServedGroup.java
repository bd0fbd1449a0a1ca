package io.waferflow.serving;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import java.util.List;
import java.util.Set;

/**
 * The feature group a server answers for: its name, its feature columns in the order the stores write them, the version
 * to serve when Redis names none, and the key prefix. From the same configuration the job runs with, so the server
 * knows exactly the features the job writes.
 */
public final class ServedGroup {

    private final String name;
    private final List<String> features;
    private final Set<String> known;
    private final String configuredVersion;
    private final String keyPrefix;

    public ServedGroup(String name, List<String> features, String configuredVersion, String keyPrefix) {
        this.name = name;
        this.features = List.copyOf(features);
        this.known = Set.copyOf(features);
        this.configuredVersion = configuredVersion;
        this.keyPrefix = keyPrefix;
    }

    public static ServedGroup of(FeaturesJobConfig config) {
        return new ServedGroup(
                config.featureGroup(),
                new FeatureColumns(config.schema().parameterNames()).names(),
                config.featureVersion(),
                config.redisKeyPrefix());
    }

    public String name() {
        return name;
    }

    /** Every feature column, in store order: what a request without {@code features} gets. */
    public List<String> features() {
        return features;
    }

    public boolean hasFeature(String feature) {
        return known.contains(feature);
    }

    /** The version served when the serving pointer names none ({@code feature_group.version}). */
    public String configuredVersion() {
        return configuredVersion;
    }

    public String keyPrefix() {
        return keyPrefix;
    }
}
