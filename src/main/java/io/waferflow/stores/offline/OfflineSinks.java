package io.waferflow.stores.offline;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.FeatureColumns;
import io.waferflow.features.WaferFeatures;
import io.waferflow.ingest.DeviceTest;
import io.waferflow.quality.Violation;
import org.apache.avro.Schema;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The Parquet sinks under the offline root: feature rows at {@code <group>/version=<v>/date=...}, the raw archive at
 * {@code raw/date=...} and the quarantine at {@code _quarantine/date=...}. Exactly-once: files become visible when
 * the checkpoint that covers them completes.
 */
public final class OfflineSinks {

    private OfflineSinks() {}

    public static FileSink<WaferFeatures> features(FeaturesJobConfig c) {
        FeatureRowAvro avro = new FeatureRowAvro(new FeatureColumns(c.schema().parameterNames()), c.featureGroup(),
                c.featureVersion(), c.jobVersion());
        String prefix = c.featureGroup() + "/version=" + c.featureVersion() + "/";
        return sink(c, avro.schema(), avro, prefix, f -> f.windowEnd);
    }

    public static FileSink<DeviceTest> rawArchive(FeaturesJobConfig c) {
        RawRecordAvro avro = new RawRecordAvro(c.schema().parameterNames());
        return sink(c, avro.schema(), avro, "raw/", d -> d.eventTime);
    }

    public static FileSink<Violation> quarantine(FeaturesJobConfig c) {
        ViolationAvro avro = new ViolationAvro();
        return sink(c, avro.schema(), avro, "_quarantine/", Violation::partitionTime);
    }

    private static <T> FileSink<T> sink(FeaturesJobConfig c, Schema schema, AvroRowConverter<T> converter,
                                        String prefix, SerializableFunction<T, Long> eventTime) {
        return FileSink.forBulkFormat(new Path(c.offlineRootUri()), new ParquetBulkWriterFactory<>(schema, converter))
                .withBucketAssigner(new EventDateBuckets<>(prefix, eventTime))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
    }
}
