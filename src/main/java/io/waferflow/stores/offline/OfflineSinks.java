package io.waferflow.stores.offline;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.DefinitionFingerprint;
import io.waferflow.drift.DriftMetric;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.FeatureColumns;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.Violation;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The Parquet sinks under the offline root: feature rows at {@code <group>/version=<v>/date=...}, the raw archive at
 * {@code raw/date=...}, and per version the quarantine, quality events and drift metrics at
 * {@code _quarantine|_quality_events|_drift/<group>/version=<v>/date=...}. Exactly-once: files become visible when the
 * checkpoint that covers them completes.
 */
public final class OfflineSinks {

    private OfflineSinks() {}

    /** The raw archive's folder under the offline root (shared by every version). */
    public static final String RAW_ARCHIVE = "raw/";

    public static final String QUARANTINE = "_quarantine";
    public static final String QUALITY_EVENTS = "_quality_events";
    public static final String DRIFT = "_drift";
    /** The monitor job's tables (per model version inside; not per feature-group version). */
    public static final String MODEL_METRICS = "_model_metrics/";

    public static final String MODEL_DRIFT = "_model_drift/";
    public static final String MONITOR_QUARANTINE = "_quarantine/_monitor/";

    public static FileSink<WaferFeatures> features(FeaturesJobConfig c) {
        FeatureRowAvro avro = new FeatureRowAvro(
                new FeatureColumns(c.schema().parameterNames()), c.featureGroup(), c.featureVersion(), c.jobVersion());
        String prefix = featuresPath(c);
        // By the window's last millisecond: [23:55, 00:00) belongs to the day it covers.
        // Every file names the definition its rows were computed with: files copied elsewhere keep saying it.
        Map<String, String> metadata =
                Map.of(DefinitionFile.PARQUET_KEY, DefinitionFingerprint.of(c).fingerprint());
        return sink(c, new ParquetBulkWriterFactory<>(avro.schema(), avro, metadata), prefix, f -> f.windowEnd - 1);
    }

    /**
     * Where the feature rows of the configured group and version go, below the offline root:
     * {@code <group>/version=<v>/}.
     */
    public static String featuresPath(FeaturesJobConfig c) {
        return featuresPath(c.featureGroup(), c.featureVersion());
    }

    /** The feature rows of a group and version, relative to {@code offline.root}: {@code <group>/version=<v>/}. */
    public static String featuresPath(String group, String version) {
        return group + "/version=" + version + "/";
    }

    public static FileSink<DeviceTest> rawArchive(FeaturesJobConfig c) {
        List<String> parameters = List.copyOf(c.schema().parameterNames());
        return sink(
                c,
                new ParquetWriterFactory<>(out -> RawArchiveWriteSupport.writer(out, parameters)),
                RAW_ARCHIVE,
                d -> d.eventTime);
    }

    public static FileSink<Violation> quarantine(FeaturesJobConfig c) {
        return quarantine(c, versioned(c, QUARANTINE));
    }

    /** Violations of the monitor job's inputs, under {@value #MONITOR_QUARANTINE}. */
    public static FileSink<Violation> monitorQuarantine(FeaturesJobConfig c) {
        return quarantine(c, MONITOR_QUARANTINE);
    }

    private static FileSink<Violation> quarantine(FeaturesJobConfig c, String prefix) {
        SchemaRows<Violation> rows = SchemaRows.of("violation");
        return sink(c, new ParquetBulkWriterFactory<>(rows.schema(), rows), prefix, Violation::partitionTime);
    }

    /** Every revision of every model version's window metrics, by the window's date. */
    public static FileSink<ModelMetrics> modelMetrics(FeaturesJobConfig c) {
        SchemaRows<ModelMetrics> rows = SchemaRows.of("model_metrics");
        return sink(c, new ParquetBulkWriterFactory<>(rows.schema(), rows), MODEL_METRICS, m -> m.windowEnd - 1);
    }

    public static FileSink<QualityEvent> qualityEvents(FeaturesJobConfig c) {
        SchemaRows<QualityEvent> rows = SchemaRows.of("quality_event");
        return sink(
                c,
                new ParquetBulkWriterFactory<>(rows.schema(), rows),
                versioned(c, QUALITY_EVENTS),
                e -> e.windowEnd - 1);
    }

    public static FileSink<DriftMetric> driftMetrics(FeaturesJobConfig c) {
        return driftMetrics(c, versioned(c, DRIFT));
    }

    /** The monitor job's concept and input drift of each model version, rows as the features' drift metrics. */
    public static FileSink<DriftMetric> modelDrift(FeaturesJobConfig c) {
        return driftMetrics(c, MODEL_DRIFT);
    }

    private static FileSink<DriftMetric> driftMetrics(FeaturesJobConfig c, String prefix) {
        SchemaRows<DriftMetric> rows = SchemaRows.of("drift_metric");
        return sink(c, new ParquetBulkWriterFactory<>(rows.schema(), rows), prefix, m -> m.windowEnd - 1);
    }

    /**
     * Where a version's own table goes: {@code <table>/<group>/version=<v>/}, so two versions running side by side (or
     * a backfill of one while the other runs) never write into each other's quarantine, quality events or drift
     * metrics. The raw archive is the input's, not a version's: one writer per offline root.
     */
    public static String versioned(FeaturesJobConfig c, String table) {
        return table + "/" + c.featureGroup() + "/version=" + c.featureVersion() + "/";
    }

    private static <T> FileSink<T> sink(
            FeaturesJobConfig c, BulkWriter.Factory<T> writer, String prefix, SerializableFunction<T, Long> eventTime) {
        return FileSink.forBulkFormat(new Path(c.offlineRootUri()), writer)
                .withBucketAssigner(new EventDateBuckets<>(prefix, eventTime))
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix("part")
                        .withPartSuffix(".parquet")
                        .build())
                .build();
    }
}
