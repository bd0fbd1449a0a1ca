package io.waferflow.stores.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.DefinitionFingerprint;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import io.waferflow.testing.ParquetFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystem.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature-row Parquet files carry their definition's fingerprint in the footer; the rows read back as before. */
class ParquetFooterMetadataTest {

    @TempDir
    Path tmp;

    @Test
    void everyFileNamesItsDefinitionAndReadsBackAsAnyParquetFile() throws Exception {
        FeaturesJobConfig c = TestConfigs.features();
        String fingerprint = DefinitionFingerprint.of(c).fingerprint();
        FeatureColumns columns = new FeatureColumns(List.of("vdd"));
        FeatureRowAvro avro = new FeatureRowAvro(columns, "wafer_aggregates", "v1", "test");
        WaferFeatures row = columns.newRow();
        row.waferId = "W1";
        row.lotId = "L1";
        row.windowStart = 0;
        row.windowEnd = 60_000;
        row.deviceCount = 3;
        row.yieldPct = 66.5;
        row.mean[0] = 1.2;
        row.std[0] = Double.NaN;

        Path file = tmp.resolve("part-0.parquet");
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem()
                .create(new org.apache.flink.core.fs.Path(file.toUri()), WriteMode.NO_OVERWRITE)) {
            BulkWriter<WaferFeatures> writer = new ParquetBulkWriterFactory<>(
                            avro.schema(), avro, Map.of(DefinitionFile.PARQUET_KEY, fingerprint))
                    .create(out);
            writer.addElement(row);
            writer.finish();
        }

        assertThat(ParquetFiles.footerMetadata(file))
                .containsEntry("waferflow.definition", fingerprint)
                .containsKey("parquet.avro.schema");
        List<GenericRecord> rows = ParquetFiles.read(tmp);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("wafer_id").toString()).isEqualTo("W1");
        assertThat(rows.get(0).get("device_count")).isEqualTo(3L);
        assertThat(rows.get(0).get("yield_pct")).isEqualTo(66.5);
        assertThat(rows.get(0).get("vdd_mean")).isEqualTo(1.2);
        assertThat(rows.get(0).get("vdd_std")).isNull();
    }
}
