package io.waferflow.lineage;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.FieldSpec;
import io.waferflow.config.InputSchema;
import io.waferflow.config.registry.FeatureDefinition;
import io.waferflow.config.registry.FeatureDefinitions;
import io.waferflow.stores.offline.FeatureRowAvro;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.online.OnlineKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage of the {@code features} job and of {@code backfill}: what they read (the input topic, or the raw
 * archive), what they write (the feature rows in Redis and Parquet, the raw archive, quarantine, quality events, drift
 * metrics, the violations topic), and for the feature rows the column lineage from each feature to the input fields it
 * is computed from, with the transformation its {@link FeatureDefinition} states. One description for every run, so a
 * streaming run and a backfill of the same version show the same lineage.
 */
public final class FeaturesLineage {

    public static final String DIRECT = "DIRECT";
    public static final String INDIRECT = "INDIRECT";

    private FeaturesLineage() {}

    /** The streaming {@code features} job: Kafka in; Redis, Parquet and the violations topic out. */
    public static LineageJob features(FeaturesJobConfig c, String configFingerprint) {
        return features(c, configFingerprint, null);
    }

    /**
     * The same reading the STDF files in {@code stdfDirUri} ({@code features --source stdf:DIR}) instead of the input
     * topic (null: the topic). The files' fields are those of the input contract the parts are converted to.
     */
    public static LineageJob features(FeaturesJobConfig c, String configFingerprint, String stdfDirUri) {
        LineageDataset input =
                stdfDirUri == null ? inputTopic(c) : LineageDataset.files(stdfDirUri, "", null, schemaFields(c));
        List<LineageDataset> outputs = new ArrayList<>();
        outputs.add(featureRows(c, redisKeys(c), input));
        outputs.add(featureRows(c, featureTable(c), input));
        if (c.rawArchive()) {
            outputs.add(rawArchive(c, input));
        }
        outputs.add(LineageDataset.kafkaTopic(c.kafkaBootstrapServers(), c.violationsTopic(), List.of()));
        outputs.addAll(versionTables(c));
        return job(
                c,
                "features",
                c.jobName() + "." + c.featureGroup() + "." + c.featureVersion(),
                LineageJob.STREAMING,
                configFingerprint,
                List.of(input),
                outputs);
    }

    /**
     * A {@code backfill}: the same graph in batch over the input topic ({@code fromArchive} false) or the raw archive
     * under {@code archiveRootUri}; Parquet out.
     */
    public static LineageJob backfill(
            FeaturesJobConfig c, String configFingerprint, boolean fromArchive, String archiveRootUri) {
        LineageDataset input = fromArchive
                ? LineageDataset.files(archiveRootUri, OfflineSinks.RAW_ARCHIVE, null, schemaFields(c))
                : inputTopic(c);
        List<LineageDataset> outputs = new ArrayList<>();
        outputs.add(featureRows(c, featureTable(c), input));
        outputs.addAll(versionTables(c));
        return job(
                c,
                "backfill",
                c.jobName() + "." + c.featureGroup() + "." + c.featureVersion() + ".backfill",
                LineageJob.BATCH,
                configFingerprint,
                List.of(input),
                outputs);
    }

    /** A job of this configuration's feature group (tags: group and version) named {@code name}. */
    public static LineageJob job(
            FeaturesJobConfig c,
            String kind,
            String name,
            String processingType,
            String configFingerprint,
            List<LineageDataset> inputs,
            List<LineageDataset> outputs) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(LineageJob.FEATURE_GROUP, c.featureGroup());
        tags.put(LineageJob.FEATURE_VERSION, c.featureVersion());
        return new LineageJob(
                c.lineage().namespace(),
                name,
                kind,
                processingType,
                c.jobVersion(),
                configFingerprint,
                tags,
                inputs,
                outputs);
    }

    /** The input topic, with the schema's fields. */
    public static LineageDataset inputTopic(FeaturesJobConfig c) {
        return LineageDataset.kafkaTopic(c.kafkaBootstrapServers(), c.inputTopic(), schemaFields(c));
    }

    /** The feature rows' Parquet table of this version ({@code <root>/<group>/version=<v>}), without lineage. */
    public static LineageDataset featureTable(FeaturesJobConfig c) {
        return featureTable(c, c.featureGroup(), c.featureVersion());
    }

    /**
     * A feature table under this configuration's offline root ({@code <root>/<group>/version=<version>}) with this
     * configuration's columns: what a training set reads.
     */
    public static LineageDataset featureTable(FeaturesJobConfig c, String group, String version) {
        List<LineageDataset.Field> fields = new ArrayList<>(keyFields());
        fields.addAll(featureFields(c));
        fields.add(new LineageDataset.Field(FeatureRowAvro.FEATURE_GROUP, "string", "the feature group"));
        fields.add(new LineageDataset.Field(FeatureRowAvro.FEATURE_VERSION, "string", "the feature version"));
        fields.add(new LineageDataset.Field(FeatureRowAvro.JOB_VERSION, "string", "the job version that wrote it"));
        return LineageDataset.files(c.offlineRootUri(), group + "/version=" + version + "/", version, fields);
    }

    /**
     * A {@code training-set} run: labels and feature tables in, the training set out (its columns' lineage set by the
     * caller with {@link LineageDataset#withColumn}: each feature column from the feature table column it was joined
     * from, a derived one from its expression's inputs, label columns from the labels), for {@code model} if named.
     */
    public static LineageJob trainingSet(
            FeaturesJobConfig c,
            String configFingerprint,
            LineageDataset labels,
            List<LineageDataset> featureTables,
            LineageDataset trainingSet,
            String model) {
        List<LineageDataset> inputs = new ArrayList<>();
        inputs.add(labels);
        inputs.addAll(featureTables);
        LineageJob job = job(
                c,
                "training-set",
                c.jobName() + ".training-set",
                LineageJob.BATCH,
                configFingerprint,
                inputs,
                List.of(trainingSet));
        return model == null ? job : job.withTag(LineageJob.MODEL, model);
    }

    /** The online key space of this version ({@code <prefix>:<group>:<version>}, one hash per wafer). */
    public static LineageDataset redisKeys(FeaturesJobConfig c) {
        List<LineageDataset.Field> fields =
                new ArrayList<>(keyFields().subList(1, keyFields().size()));
        fields.addAll(featureFields(c));
        fields.add(new LineageDataset.Field(OnlineKeys.FEATURE_VERSION, "string", "the feature version"));
        fields.add(new LineageDataset.Field(OnlineKeys.JOB_VERSION, "string", "the job version that wrote it"));
        return LineageDataset.redisKeys(
                c.redisHost(),
                c.redisPort(),
                c.redisKeyPrefix() + ":" + c.featureGroup() + ":" + c.featureVersion(),
                c.featureVersion(),
                fields);
    }

    /**
     * {@code rows} with the column lineage of a feature row from {@code input}: each feature from its definition's
     * inputs (an aggregation over the wafer's window), the row's keys and window bounds from the identity fields and
     * the event time, and every row grouped by wafer and windowed by event time.
     */
    public static LineageDataset featureRows(FeaturesJobConfig c, LineageDataset rows, LineageDataset input) {
        String window = "the wafer's " + c.window().describe();
        LineageDataset out = rows.withIndirect(List.of(
                input.source(InputSchema.WAFER_ID, INDIRECT, "GROUP_BY", "one row per wafer and window"),
                input.source(InputSchema.EVENT_TIME, INDIRECT, "WINDOW", window),
                input.source(
                        InputSchema.DEVICE_ID,
                        INDIRECT,
                        "FILTER",
                        "a second record of the same (wafer, device, event time) is dropped as a duplicate")));
        List<String> names = rows.fieldNames();
        if (names.contains(FeatureRowAvro.WAFER_ID)) {
            out = out.withColumn(
                    FeatureRowAvro.WAFER_ID,
                    List.of(input.source(InputSchema.WAFER_ID, DIRECT, "IDENTITY", "the wafer id")));
        }
        out = out.withColumn(
                        FeatureRowAvro.LOT_ID,
                        List.of(input.source(InputSchema.LOT_ID, DIRECT, "IDENTITY", "the wafer's lot id")))
                .withColumn(
                        FeatureRowAvro.WINDOW_START,
                        List.of(input.source(InputSchema.EVENT_TIME, DIRECT, "TRANSFORMATION", "start of " + window)))
                .withColumn(
                        FeatureRowAvro.WINDOW_END,
                        List.of(input.source(InputSchema.EVENT_TIME, DIRECT, "TRANSFORMATION", "end of " + window)))
                .withColumn(
                        FeatureRowAvro.REVISION,
                        List.of(input.source(
                                InputSchema.EVENT_TIME,
                                INDIRECT,
                                "WINDOW",
                                "0 when the window fires on time, +1 for each re-firing by late records")));
        for (FeatureDefinition d : FeatureDefinitions.of(c)) {
            out = out.withColumn(
                    d.name(),
                    d.inputs().stream()
                            .map(f -> input.source(f, DIRECT, "AGGREGATION", d.transformation() + " over " + window))
                            .toList());
        }
        return out;
    }

    private static LineageDataset rawArchive(FeaturesJobConfig c, LineageDataset input) {
        LineageDataset archive =
                LineageDataset.files(c.offlineRootUri(), OfflineSinks.RAW_ARCHIVE, null, input.fields());
        for (String f : input.fieldNames()) {
            archive = archive.withColumn(f, List.of(input.source(f, DIRECT, "IDENTITY", "archived as parsed")));
        }
        return archive;
    }

    /** A version's quarantine, quality events and drift metrics tables. */
    private static List<LineageDataset> versionTables(FeaturesJobConfig c) {
        return List.of(OfflineSinks.QUARANTINE, OfflineSinks.QUALITY_EVENTS, OfflineSinks.DRIFT).stream()
                .map(t -> LineageDataset.files(
                        c.offlineRootUri(), OfflineSinks.versioned(c, t), c.featureVersion(), List.of()))
                .toList();
    }

    private static List<LineageDataset.Field> schemaFields(FeaturesJobConfig c) {
        return c.schema().fields().stream()
                .map(f ->
                        new LineageDataset.Field(f.name(), typeName(f), f.unit().isEmpty() ? null : f.unit()))
                .toList();
    }

    private static String typeName(FieldSpec f) {
        return f.type().name().toLowerCase();
    }

    private static List<LineageDataset.Field> keyFields() {
        return List.of(
                new LineageDataset.Field(FeatureRowAvro.WAFER_ID, "string", "the wafer"),
                new LineageDataset.Field(FeatureRowAvro.LOT_ID, "string", "the wafer's lot"),
                new LineageDataset.Field(FeatureRowAvro.WINDOW_START, "timestamp", "window start (inclusive)"),
                new LineageDataset.Field(FeatureRowAvro.WINDOW_END, "timestamp", "window end (exclusive)"),
                new LineageDataset.Field(FeatureRowAvro.REVISION, "int", "re-firings of the window"));
    }

    private static List<LineageDataset.Field> featureFields(FeaturesJobConfig c) {
        return FeatureDefinitions.of(c).stream()
                .map(d -> new LineageDataset.Field(d.name(), d.type(), d.description()))
                .toList();
    }
}
