package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowAvro;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.ParquetFiles;
import io.waferflow.training.AsOf;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training-set batch job on a MiniCluster, over generated offline feature files and labels, checked row by row
 * against a brute-force point-in-time join written here: many entities, random label and window times on a coarse grid
 * (so labels fall exactly on window ends), missing entities, two versions of one group and a second group, revisions,
 * late and backfilled writes, files without written_at, duplicate labels; both as-of rules and max age. Also: the same
 * labels as CSV, JSON lines and Parquet give the same rows.
 */
class TrainingSetJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FeaturesJobRun.miniCluster();

    static final List<String> PARAMETERS = List.of("vdd", "idd", "frequency", "temperature");
    static final String[] FEATURES = {"vdd_mean", "vdd_std", "yield_pct"};
    static final long MIN = 60_000;
    static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    /** Inputs: group, version. */
    static final String[][] INPUTS = {{"wafer_aggregates", "v1"}, {"wafer_aggregates", "v2"}, {"probe_stats", "v1"}};

    @TempDir
    static Path tmp;

    /** A generated feature row (written_at null: a file of before the column). */
    record Row(int input, String wafer, long windowEnd, int revision, Long writtenAt, double[] values) {}

    record Label(long id, String wafer, long time, String outcome) {}

    static final List<Row> ROWS = new ArrayList<>();
    static final List<Label> LABELS = new ArrayList<>();
    static Path root;

    @BeforeAll
    static void generate() throws Exception {
        Random random = new Random(14);
        root = tmp.resolve("offline");
        for (int e = 0; e < 60; e++) {
            String wafer = "W" + e;
            for (int input = 0; input < INPUTS.length; input++) {
                if (random.nextInt(6) == 0) {
                    continue; // this entity has no rows of this input
                }
                boolean oldFile = random.nextInt(8) == 0;
                List<Long> ends = new ArrayList<>();
                for (int w = 0; w < random.nextInt(10); w++) {
                    long end = T0 + 5 * MIN * random.nextInt(48); // a 4-hour grid of 5 minutes
                    if (ends.contains(end)) {
                        continue;
                    }
                    ends.add(end);
                    Long written;
                    switch (random.nextInt(5)) {
                        case 0 -> written = T0 + 5 * MIN * 60; // backfilled after every label
                        case 1 -> written = end + 5 * MIN * random.nextInt(6); // late, possibly == a label time
                        default -> written = end + random.nextInt(3) * MIN;
                    }
                    ROWS.add(new Row(input, wafer, end, 0, oldFile ? null : written, values(random)));
                    if (random.nextInt(5) == 0) { // a later revision of the same window, written later
                        ROWS.add(new Row(input, wafer, end, 1, oldFile ? null : written + 10 * MIN, values(random)));
                    }
                }
            }
        }
        for (int input = 0; input < INPUTS.length; input++) {
            int in = input;
            writeFeatures(
                    root.resolve(INPUTS[input][0] + "/version=" + INPUTS[input][1] + "/date=2026-12-01"),
                    ROWS.stream().filter(r -> r.input() == in).toList());
        }
        for (int l = 0; l < 400; l++) {
            String wafer = "W" + random.nextInt(66); // W60..W65 have no rows at all
            long time = T0 + 5 * MIN * random.nextInt(52) + (random.nextBoolean() ? 0 : random.nextInt(300_000));
            LABELS.add(new Label(l, wafer, time, random.nextBoolean() ? "pass" : "fail"));
            if (random.nextInt(20) == 0) {
                LABELS.add(new Label(++l, wafer, time, "dup")); // same entity and time: both kept
            }
        }
    }

    private static double[] values(Random random) {
        double[] v = new double[FEATURES.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(10) == 0 ? Double.NaN : 1 + random.nextDouble();
        }
        return v;
    }

    /** Rows in two files per input: those with written_at, and those of a file written before the column existed. */
    private static void writeFeatures(Path dir, List<Row> rows) throws Exception {
        Files.createDirectories(dir);
        Schema schema = new FeatureRowAvro(new FeatureColumns(PARAMETERS), "g", "v", "test").schema();
        List<Schema.Field> oldFields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!f.name().equals(FeatureRowAvro.WRITTEN_AT)) {
                oldFields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema old = Schema.createRecord("g", null, "io.waferflow.offline", false, oldFields);
        write(
                dir.resolve("part-new-0.parquet"),
                schema,
                rows.stream().filter(r -> r.writtenAt() != null).toList());
        write(
                dir.resolve("part-old-0.parquet"),
                old,
                rows.stream().filter(r -> r.writtenAt() == null).toList());
        // An in-progress file is never read.
        Files.writeString(dir.resolve(".part-x.inprogress.1"), "not parquet");
    }

    private static void write(Path file, Schema schema, List<Row> rows) {
        List<GenericRecord> records = new ArrayList<>();
        for (Row row : rows) {
            GenericRecord r = new GenericData.Record(schema);
            r.put(FeatureRowAvro.WAFER_ID, row.wafer());
            r.put(FeatureRowAvro.LOT_ID, "L");
            r.put(FeatureRowAvro.WINDOW_START, row.windowEnd() - 5 * MIN);
            r.put(FeatureRowAvro.WINDOW_END, row.windowEnd());
            r.put(FeatureRowAvro.REVISION, row.revision());
            r.put(FeatureColumns.DEVICE_COUNT, 100L);
            for (int i = 0; i < FEATURES.length; i++) {
                r.put(FEATURES[i], Double.isNaN(row.values()[i]) ? null : row.values()[i]);
            }
            r.put(FeatureRowAvro.FEATURE_GROUP, "g");
            r.put(FeatureRowAvro.FEATURE_VERSION, "v");
            r.put(FeatureRowAvro.JOB_VERSION, "test");
            if (schema.getField(FeatureRowAvro.WRITTEN_AT) != null) {
                r.put(FeatureRowAvro.WRITTEN_AT, row.writtenAt());
            }
            records.add(r);
        }
        ParquetFiles.write(file, schema, records);
    }

    @Test
    void windowEndRuleWithMaxAgeMatchesBruteForce() throws Exception {
        checkAgainstBruteForce(AsOf.WINDOW_END, Duration.ofMinutes(60), "we60");
    }

    @Test
    void windowEndRuleWithoutMaxAgeMatchesBruteForce() throws Exception {
        checkAgainstBruteForce(AsOf.WINDOW_END, null, "we");
    }

    @Test
    void availableRuleMatchesBruteForce() throws Exception {
        checkAgainstBruteForce(AsOf.AVAILABLE, Duration.ofMinutes(90), "av90");
    }

    @Test
    void availableRuleWithoutMaxAgeMatchesBruteForce() throws Exception {
        checkAgainstBruteForce(AsOf.AVAILABLE, null, "av");
    }

    @Test
    void labelsAsCsvJsonLinesAndParquetGiveTheSameRows() throws Exception {
        Path csv = tmp.resolve("labels-fmt.csv");
        Path jsonl = tmp.resolve("labels-fmt.jsonl");
        Path parquet = tmp.resolve("labels-fmt.parquet");
        List<Label> some = LABELS.subList(0, 50);
        writeCsv(csv, some, true);
        try (BufferedWriter w = Files.newBufferedWriter(jsonl)) {
            for (Label l : some) {
                w.write("{\"label_id\": " + l.id() + ", \"wafer_id\": \"" + l.wafer() + "\", \"label_time\": "
                        + l.time() + ", \"outcome\": \"" + l.outcome() + "\"}\n");
            }
        }
        Schema schema = SchemaBuilder.record("labels")
                .fields()
                .requiredLong("label_id")
                .requiredString("wafer_id")
                .name("label_time")
                .type(org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .requiredString("outcome")
                .endRecord();
        List<GenericRecord> records = new ArrayList<>();
        for (Label l : some) {
            GenericRecord r = new GenericData.Record(schema);
            r.put("label_id", l.id());
            r.put("wafer_id", l.wafer());
            r.put("label_time", l.time());
            r.put("outcome", l.outcome());
            records.add(r);
        }
        ParquetFiles.write(parquet, schema, records);
        List<Map<String, Object>> fromCsv = run(csv, AsOf.WINDOW_END, null, "fmt-csv");
        List<Map<String, Object>> fromJson = run(jsonl, AsOf.WINDOW_END, null, "fmt-jsonl");
        List<Map<String, Object>> fromParquet = run(parquet, AsOf.WINDOW_END, null, "fmt-parquet");
        assertThat(fromCsv).hasSize(some.size());
        assertThat(fromJson).isEqualTo(fromCsv);
        assertThat(fromParquet).isEqualTo(fromCsv);
        assertThat(fromCsv.get(0).get("label_id")).isInstanceOf(Long.class);
    }

    private void checkAgainstBruteForce(AsOf asOf, Duration maxAge, String name) throws Exception {
        Path labels = tmp.resolve("labels-" + name + ".csv");
        writeCsv(labels, LABELS, false);
        List<Map<String, Object>> rows = run(labels, asOf, maxAge, name);
        assertThat(rows).hasSize(LABELS.size());
        Map<Long, Map<String, Object>> byId = new HashMap<>();
        rows.forEach(r -> byId.put((Long) r.get("label_id"), r));
        Map<String, Integer> seen = new HashMap<>();
        for (Label label : LABELS) {
            Map<String, Object> row = byId.get(label.id());
            assertThat(row).as("label %d", label.id()).isNotNull();
            assertThat(row.get("wafer_id")).isEqualTo(label.wafer());
            assertThat(row.get("label_time")).isEqualTo(label.time());
            assertThat(row.get("outcome")).isEqualTo(label.outcome());
            for (int input = 0; input < INPUTS.length; input++) {
                String prefix = INPUTS[input][0] + "__" + INPUTS[input][1] + "__";
                Expected want = bruteForce(label, input, asOf, maxAge);
                String where = "label " + label + " input " + prefix;
                assertThat(row.get(prefix + "status")).as(where).isEqualTo(want.status());
                seen.merge(want.status(), 1, Integer::sum);
                if (want.row() == null) {
                    assertThat(row.get(prefix + "window_end")).as(where).isNull();
                    for (String f : FEATURES) {
                        assertThat(row.get(prefix + f)).as(where).isNull();
                    }
                    continue;
                }
                assertThat(row.get(prefix + "window_end"))
                        .as(where)
                        .isEqualTo(want.row().windowEnd());
                assertThat((Long) row.get(prefix + "window_end")).isLessThan(label.time()); // never the future
                for (int f = 0; f < FEATURES.length; f++) {
                    double v = want.row().values()[f];
                    assertThat(row.get(prefix + FEATURES[f]))
                            .as(where + " " + FEATURES[f])
                            .isEqualTo(Double.isNaN(v) ? null : v);
                }
            }
            // vdd_cv = vdd_std / vdd_mean (jobs/features.yaml), computed here from the expected v1 row.
            Expected v1 = bruteForce(label, 0, asOf, maxAge);
            Double cv =
                    v1.row() == null ? null : v1.row().values()[1] / v1.row().values()[0];
            assertThat(row.get("wafer_aggregates__v1__vdd_cv"))
                    .as("vdd_cv of label %s", label)
                    .isEqualTo(cv == null || cv.isNaN() ? null : cv);
        }
        // The generated data exercises every status the rule can give.
        assertThat(seen).containsKeys("ok", "no_row");
        if (maxAge != null) {
            assertThat(seen).containsKey("too_old");
        }
        if (asOf == AsOf.AVAILABLE) {
            assertThat(seen).containsKey("not_available_yet");
        }
    }

    record Expected(String status, Row row) {}

    /** Every row, every label: the latest allowed row, and why there is none, by the rules of docs/training-sets.md. */
    private static Expected bruteForce(Label label, int input, AsOf asOf, Duration maxAge) {
        Comparator<Row> newest = Comparator.comparingLong(Row::windowEnd).thenComparingInt(Row::revision);
        List<Row> before = ROWS.stream()
                .filter(r -> r.input() == input && r.wafer().equals(label.wafer()) && r.windowEnd() < label.time())
                .toList();
        Row latest = before.stream().max(newest).orElse(null);
        Row allowed = asOf == AsOf.WINDOW_END
                ? latest
                : before.stream()
                        .filter(r -> r.writtenAt() != null && r.writtenAt() <= label.time())
                        .max(newest)
                        .orElse(null);
        long limit = maxAge == null ? Long.MAX_VALUE : maxAge.toMillis();
        if (allowed != null && label.time() - allowed.windowEnd() <= limit) {
            return new Expected("ok", allowed);
        }
        if (latest == null) {
            return new Expected("no_row", null);
        }
        if (asOf == AsOf.AVAILABLE && label.time() - latest.windowEnd() <= limit) {
            return new Expected("not_available_yet", null);
        }
        return new Expected("too_old", null);
    }

    private static void writeCsv(Path file, List<Label> labels, boolean isoTimes) throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("label_id,wafer_id,label_time,outcome\n");
            for (Label l : labels) {
                String time = isoTimes ? Instant.ofEpochMilli(l.time()).toString() : Long.toString(l.time());
                w.write(l.id() + "," + l.wafer() + "," + time + "," + l.outcome() + "\n");
            }
        }
    }

    /** Runs the production job over {@code labels}; the output rows, sorted by label id. */
    private static List<Map<String, Object>> run(Path labels, AsOf asOf, Duration maxAge, String name)
            throws Exception {
        FeaturesJobConfig config = TestConfigs.features("offline.root=" + root);
        List<String> features = new ArrayList<>();
        for (String[] in : INPUTS) {
            for (String f : FEATURES) {
                features.add(in[0] + ":" + in[1] + ":" + f);
            }
        }
        Path out = tmp.resolve("out-" + name);
        TrainingSetPlan plan = new TrainingSetPlan(
                config,
                labels.toString(),
                "wafer_id",
                "label_time",
                features,
                List.of("vdd_cv"),
                Map.of(),
                maxAge,
                asOf,
                out.toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironment.flinkConfiguration(config));
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        plan.job().build(env);
        JobExecutionResult result = env.execute("training-set-" + name);
        assertThat(plan.summary(result.getAllAccumulatorResults()).rows()).isEqualTo(countLines(labels));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (GenericRecord r : ParquetFiles.read(out)) {
            Map<String, Object> m = new HashMap<>();
            for (Schema.Field field : r.getSchema().getFields()) {
                Object v = r.get(field.name());
                m.put(field.name(), v instanceof CharSequence ? v.toString() : v);
            }
            rows.add(m);
        }
        rows.sort(Comparator.comparingLong(m -> (Long) m.get("label_id")));
        return rows;
    }

    private static long countLines(Path labels) throws Exception {
        if (labels.toString().endsWith(".parquet")) {
            return 50;
        }
        try (Stream<String> lines = Files.lines(labels)) {
            return lines.filter(l -> !l.isBlank()).count() - (labels.toString().endsWith(".csv") ? 1 : 0);
        }
    }
}
