package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.derived.BaselineValues;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.Distribution;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowAvro;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code offline derive} over Parquet feature rows as the job writes them: the shipped derived features, values equal
 * to the per-entity path the server uses, nulls as empty cells, and a missing baseline refused.
 */
class OfflineDeriveCommandTest {

    static final List<String> PARAMETERS = List.of("vdd", "idd", "frequency", "temperature");
    static final long END = Instant.parse("2026-12-01T10:05:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private Path baseline;
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

    @BeforeEach
    void baselineFile() throws Exception {
        baseline = tmp.resolve("baseline.json");
        // mean 1.2, sample std sqrt((0.01 + 0 + 0.01) / 2) = 0.1
        new BaselineFile(
                        "test",
                        Instant.now(),
                        200,
                        Map.of(
                                "vdd", Distribution.ofValues(new double[] {1.1, 1.2, 1.3}, 200),
                                "idd", Distribution.ofValues(new double[] {50, 51}, 200),
                                "frequency", Distribution.ofValues(new double[] {2000, 2001}, 200),
                                "temperature", Distribution.ofValues(new double[] {25, 26}, 200)))
                .write(baseline);
    }

    @Test
    void derivedColumnsOfOfflineRowsAreThePerEntityValues() throws Exception {
        Map<String, Double> w1 =
                Map.of("vdd_mean", 1.35, "vdd_std", 0.03, "yield_pct", 92.5, "neighbor_yield_avg", 0.9);
        Map<String, Double> w2 = new HashMap<>(Map.of("vdd_mean", 0.0, "vdd_std", 0.03, "yield_pct", 50.0));
        Path dir = tmp.resolve("data/wafer_aggregates/version=v1");
        write(dir.resolve("date=2026-12-01/part-a-0.parquet"), "W1", w1);
        write(dir.resolve("date=2026-12-01/part-b-0.parquet"), "W2", w2);

        assertThat(run("--input", dir.toString(), "--baseline", baseline.toString()))
                .isZero();
        List<String> lines = shown.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("wafer_id,window_start,window_end,revision,vdd_cv,yield_vs_neighbors,vdd_z");
        assertThat(lines).hasSize(3);
        String[] first = lines.get(1).split(",", -1);
        assertThat(first[0]).isEqualTo("W1");
        assertThat(first[2]).isEqualTo("2026-12-01T10:05:00Z");
        // by hand: 0.03 / 1.35; 92.5 - 100 * 0.9 = 2.5; (1.35 - 1.2) / 0.1 = 1.5
        assertThat(Double.parseDouble(first[4])).isCloseTo(0.03 / 1.35, within(1e-15));
        assertThat(Double.parseDouble(first[5])).isCloseTo(2.5, within(1e-12));
        assertThat(Double.parseDouble(first[6])).isCloseTo(1.5, within(1e-9));

        // The serving path, on the same row and baseline: the same doubles, to the last bit.
        DerivedFeatures serving =
                DerivedFeatures.of(TestConfigs.features(), BaselineValues.of(BaselineFile.read(baseline).features));
        for (int i = 0; i < 3; i++) {
            String name = serving.names().get(i);
            assertThat(first[4 + i])
                    .as(name)
                    .isEqualTo(serving.evaluate(name, w1::get).toString());
        }
        assertThat(lines.get(2))
                .as("x / 0 and a null neighbour yield are empty; vdd_z of 0 V is a (large) number")
                .startsWith("W2,2026-12-01T10:00:00Z,2026-12-01T10:05:00Z,0,,,");
    }

    @Test
    void aChosenFeatureAndAMissingBaselineOrName() throws Exception {
        Path file = tmp.resolve("part-0.parquet");
        write(file, "W1", Map.of("vdd_mean", 1.2, "vdd_std", 0.03));
        assertThat(run("--input", file.toString(), "--derived", "vdd_cv")).isZero();
        assertThat(shown.toString(StandardCharsets.UTF_8).lines())
                .containsExactly(
                        "wafer_id,window_start,window_end,revision,vdd_cv",
                        "W1,2026-12-01T10:00:00Z,2026-12-01T10:05:00Z,0," + (0.03 / 1.2));
        assertThatThrownBy(() -> run("--input", file.toString(), "--derived", "vdd_z"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'--baseline'")
                .hasMessageContaining("vdd_z reads baseline.vdd.mean, baseline.vdd.std");
        assertThatThrownBy(() -> run("--input", file.toString(), "--derived", "vdd_cvv"))
                .hasMessageContaining("'vdd_cvv' is not a derived feature of wafer_aggregates")
                .hasMessageContaining("use one of vdd_cv, yield_vs_neighbors, vdd_z");
    }

    private int run(String... args) throws Exception {
        shown.reset();
        String[] argv = new String[args.length + 1];
        argv[0] = "derive";
        System.arraycopy(args, 0, argv, 1, args.length);
        return new OfflineCommand(new PrintStream(shown, true, StandardCharsets.UTF_8)).run(argv);
    }

    /** One offline row of the shipped schema with the given feature values (the rest null), as the job writes it. */
    private static void write(Path file, String wafer, Map<String, Double> features) throws Exception {
        Files.createDirectories(file.getParent());
        Schema schema = new FeatureRowAvro(new FeatureColumns(PARAMETERS), "wafer_aggregates", "v1", "test").schema();
        GenericRecord r = new GenericData.Record(schema);
        r.put(FeatureRowAvro.WAFER_ID, wafer);
        r.put(FeatureRowAvro.LOT_ID, "L1");
        r.put(FeatureRowAvro.WINDOW_START, END - 300_000);
        r.put(FeatureRowAvro.WINDOW_END, END);
        r.put(FeatureRowAvro.REVISION, 0);
        r.put(FeatureColumns.DEVICE_COUNT, 700L);
        features.forEach(r::put);
        r.put(FeatureRowAvro.FEATURE_GROUP, "wafer_aggregates");
        r.put(FeatureRowAvro.FEATURE_VERSION, "v1");
        r.put(FeatureRowAvro.JOB_VERSION, "test");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
                .withSchema(schema)
                .build()) {
            w.write(r);
        }
    }
}
