package io.waferflow.serving;

import com.fasterxml.jackson.core.io.SerializedString;
import io.waferflow.config.DriftConfig.BaselineFrom;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.derived.BaselineValues;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.drift.BaselineFile;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.online.OnlineKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature group a server answers for: its name, its feature columns in the order the stores write them, the version
 * to serve when Redis names none, and the key prefix. From the same configuration the job runs with, so the server
 * knows exactly the features the job writes.
 */
public final class ServedGroup {

    /** The row metadata an answer carries. */
    static final List<String> METADATA =
            List.of(OnlineKeys.WINDOW_START, OnlineKeys.WINDOW_END, OnlineKeys.REVISION, OnlineKeys.FEATURE_VERSION);

    private final String name;
    private final List<String> features;
    /** The hash fields the server reads ({@code HMGET}): the packed features, then the row's metadata. */
    private final String[] readFields;

    private final Map<String, Integer> position = new HashMap<>();
    /** Feature names as JSON, encoded once (they are written for every entity of every answer). */
    private final SerializedString[] jsonNames;

    private final String configuredVersion;
    private final String keyPrefix;
    /** The group's derived features, computed per entity from the row read: no extra Redis round trip. */
    private final DerivedFeatures derived;
    /**
     * The parameters whose baseline the job builds in the stream, when a derived feature reads the baseline and no
     * baseline file is configured (read from the job's drift hashes: {@link StreamBaseline}); else none.
     */
    private final List<String> streamBaselineParameters;

    public ServedGroup(String name, List<String> features, String configuredVersion, String keyPrefix) {
        this(
                name,
                features,
                configuredVersion,
                keyPrefix,
                DerivedFeatures.compile(Map.of(), features, Map.of()),
                List.of());
    }

    public ServedGroup(
            String name,
            List<String> features,
            String configuredVersion,
            String keyPrefix,
            DerivedFeatures derived,
            List<String> streamBaselineParameters) {
        this.name = name;
        this.features = List.copyOf(features);
        List<String> read = new ArrayList<>();
        read.add(OnlineKeys.FEATURES);
        read.addAll(METADATA);
        this.readFields = read.toArray(new String[0]);
        this.jsonNames = new SerializedString[features.size()];
        for (int i = 0; i < features.size(); i++) {
            position.put(features.get(i), i);
            jsonNames[i] = new SerializedString(features.get(i));
        }
        this.configuredVersion = configuredVersion;
        this.keyPrefix = keyPrefix;
        this.derived = derived;
        boolean readsBaseline = derived.names().stream()
                .anyMatch(d -> !derived.baselineInputs(d).isEmpty());
        this.streamBaselineParameters = readsBaseline ? List.copyOf(streamBaselineParameters) : List.of();
    }

    /**
     * The configuration's feature group, with its derived features over the drift baseline file when the job reads one
     * ({@code drift.baseline.from: file}); without it, a derived feature that reads the baseline is null.
     */
    public static ServedGroup of(FeaturesJobConfig config) {
        List<String> parameters = config.schema().parameterNames();
        boolean fromFile = config.drift().enabled() && config.drift().baselineFrom() == BaselineFrom.FILE;
        boolean inStream = config.drift().enabled() && !fromFile;
        return new ServedGroup(
                config.featureGroup(),
                new FeatureColumns(parameters).names(),
                config.featureVersion(),
                config.redisKeyPrefix(),
                DerivedFeatures.of(
                        config,
                        fromFile
                                ? BaselineValues.of(BaselineFile.forConfig(config.drift(), parameters).features)
                                : Map.of()),
                inStream ? parameters : List.of());
    }

    /** See {@link #streamBaselineParameters}: empty when no derived feature needs the stream's baseline. */
    List<String> streamBaselineParameters() {
        return streamBaselineParameters;
    }

    public DerivedFeatures derived() {
        return derived;
    }

    public String name() {
        return name;
    }

    /** Every feature column, in store order: what a request without {@code features} gets. */
    public List<String> features() {
        return features;
    }

    public boolean hasFeature(String feature) {
        return position.containsKey(feature);
    }

    /** Where a feature is in {@link #features}. */
    int position(String feature) {
        return position.get(feature);
    }

    SerializedString jsonName(int position) {
        return jsonNames[position];
    }

    /** The hash fields read per row ({@code HMGET}): {@link OnlineKeys#FEATURES}, then {@link #METADATA}. */
    String[] readFields() {
        return readFields.clone();
    }

    /**
     * A row as read ({@link #readFields}) as the server holds it: the packed features unpacked into their positions (a
     * feature the row lacks is absent), the metadata beside them ({@link StoredRow}). A missing hash (all nulls) is
     * {@link StoredRow#ABSENT}. {@code version}: the version read (an equal {@code feature_version} shares its string).
     */
    StoredRow unpack(String[] read, String version) {
        return StoredRow.of(read, position, features.size(), version);
    }

    /** The version served when the serving pointer names none ({@code feature_group.version}). */
    public String configuredVersion() {
        return configuredVersion;
    }

    public String keyPrefix() {
        return keyPrefix;
    }
}
