package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowAvro;
import io.waferflow.testing.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code training-set}'s checks before any job starts: each refusal names the option and the fix. */
class TrainingSetCommandTest {

    @TempDir
    Path tmp;

    private Path labels;

    @BeforeEach
    void offlineStoreAndLabels() throws Exception {
        Schema schema = new FeatureRowAvro(
                        new FeatureColumns(List.of("vdd", "idd", "frequency", "temperature")),
                        "wafer_aggregates",
                        "v1",
                        "test")
                .schema();
        GenericRecord r = new GenericData.Record(schema);
        r.put(FeatureRowAvro.WAFER_ID, "W1");
        r.put(FeatureRowAvro.LOT_ID, "L1");
        r.put(FeatureRowAvro.WINDOW_START, 0L);
        r.put(FeatureRowAvro.WINDOW_END, 300_000L);
        r.put(FeatureRowAvro.REVISION, 0);
        r.put(FeatureColumns.DEVICE_COUNT, 10L);
        r.put(FeatureRowAvro.FEATURE_GROUP, "wafer_aggregates");
        r.put(FeatureRowAvro.FEATURE_VERSION, "v1");
        r.put(FeatureRowAvro.JOB_VERSION, "test");
        ParquetFiles.write(
                tmp.resolve("data/wafer_aggregates/version=v1/date=1970-01-01/part-0-0.parquet"), schema, List.of(r));
        labels = tmp.resolve("labels.csv");
        Files.writeString(labels, "wafer_id,label_time,good\nW1,1970-01-01T00:06:00Z,1\n");
    }

    private int run(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--set", "offline.root=" + tmp.resolve("data")));
        argv.addAll(List.of(args));
        return new TrainingSetCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(argv.toArray(String[]::new));
    }

    @Test
    void refusesWhatCannotBeJoined() {
        String out = tmp.resolve("out").toString();
        assertThatThrownBy(() ->
                        run("--labels", labels.toString(), "--features", "wafer_aggregates:v1:nope", "--out", out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'--features'")
                .hasMessageContaining("has no columns [nope]")
                .hasMessageContaining("vdd_mean");
        assertThatThrownBy(() -> run("--labels", labels.toString(), "--features", "yield_pct", "--out", out))
                .hasMessageContaining("is not GROUP:VERSION:FEATURE");
        assertThatThrownBy(() ->
                        run("--labels", labels.toString(), "--features", "wafer_aggregates:v9:yield_pct", "--out", out))
                .hasMessageContaining("no offline rows of this group and version");
        assertThatThrownBy(() -> run(
                        "--labels",
                        labels.toString(),
                        "--features",
                        "wafer_aggregates:v1:yield_pct",
                        "--as-of",
                        "now",
                        "--out",
                        out))
                .hasMessageContaining("'--as-of'")
                .hasMessageContaining("use window_end or available");
        assertThatThrownBy(() -> run(
                        "--labels",
                        labels.toString(),
                        "--features",
                        "wafer_aggregates:v1:yield_pct",
                        "--derived",
                        "vdd_cvv",
                        "--out",
                        out))
                .hasMessageContaining("'vdd_cvv' is not a derived feature of wafer_aggregates");
        assertThatThrownBy(() -> run(
                        "--labels",
                        labels.toString(),
                        "--features",
                        "wafer_aggregates:v1:yield_pct",
                        "--time-column",
                        "t",
                        "--out",
                        out))
                .hasMessageContaining("'--labels'")
                .hasMessageContaining("has no column 't'");
        assertThatThrownBy(() -> run(
                        "--labels",
                        labels.toString(),
                        "--features",
                        "wafer_aggregates:v1:yield_pct",
                        "--out",
                        tmp.toString()))
                .hasMessageContaining("'--out'")
                .hasMessageContaining("exists");
    }

    @Test
    void refusesALabelColumnNamedLikeAnOutputColumn() throws Exception {
        Files.writeString(labels, "wafer_id,label_time,wafer_aggregates__v1__status\nW1,360000,x\n");
        assertThatThrownBy(() -> run(
                        "--labels",
                        labels.toString(),
                        "--features",
                        "wafer_aggregates:v1:yield_pct",
                        "--out",
                        tmp.resolve("out").toString()))
                .hasMessageContaining("two training-set columns would be named 'wafer_aggregates__v1__status'");
    }
}
