package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.TrainingSetPlan;
import io.waferflow.training.AsOf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench training-set}: the training-set batch job over generated data. Writes {@code --entities} wafers ×
 * {@code --rows-per-entity} feature rows of {@code --features} columns (one group and version, 5-minute windows) and
 * {@code --labels} labels at random times over the same span, then runs the production job on a local MiniCluster with
 * a fixed managed memory and prints rows/s, wall time and the process's peak RSS.
 */
@CommandLine.Command(
        name = "training-set",
        description = {
            "measure the training-set job: labels x features joined point-in-time, rows/s",
            "",
            "Generates feature rows (--entities x --rows-per-entity, --features columns) and --labels labels as"
                    + " Parquet under --dir, runs the training-set batch job on a local MiniCluster (parallelism 2,"
                    + " --managed-memory for its sorts) and prints rows/s, wall time and peak RSS (VmHWM). Run with"
                    + " JAVA_OPTS=-Xmx... to fix the heap."
        })
public final class TrainingSetBenchCommand implements Command, Callable<Integer> {

    private static final long T0 = 1_796_083_200_000L; // 2026-12-01T00:00:00Z
    private static final long WINDOW = 300_000;

    @Option(names = "--labels", paramLabel = "N", description = "label rows (default ${DEFAULT-VALUE})")
    private long labels = 1_000_000;

    @Option(names = "--features", paramLabel = "F", description = "feature columns (default ${DEFAULT-VALUE})")
    private int features = 50;

    @Option(names = "--entities", paramLabel = "E", description = "wafers (default ${DEFAULT-VALUE})")
    private int entities = 100_000;

    @Option(
            names = "--rows-per-entity",
            paramLabel = "R",
            description = "feature rows per wafer (default ${DEFAULT-VALUE})")
    private int rowsPerEntity = 10;

    @Option(
            names = "--managed-memory",
            paramLabel = "SIZE",
            description = "Flink managed memory for the sorts (default ${DEFAULT-VALUE})")
    private String managedMemory = "512m";

    @Option(
            names = "--as-of",
            paramLabel = "window_end|available",
            description = "as-of rule (default ${DEFAULT-VALUE})")
    private String asOf = "window_end";

    @Option(names = "--dir", paramLabel = "DIR", description = "working directory (default: a new temporary one)")
    private Path dir;

    @Option(names = "--keep", description = "keep the generated data and output")
    private boolean keep;

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("waferflow-bench-ts");
        try {
            long started = System.nanoTime();
            Path root = work.resolve("offline");
            writeFeatures(root.resolve("bench_group/version=v1/date=2026-12-01"));
            Path labelFile = work.resolve("labels.parquet");
            writeLabels(labelFile);
            System.out.printf(
                    "generated %,d feature rows x %d features (%,d wafers) and %,d labels in %.1f s%n",
                    (long) entities * rowsPerEntity, features, entities, labels, (System.nanoTime() - started) / 1e9);
            FeaturesJobConfig config = FeaturesJobConfig.from(RawConfig.load(
                    Path.of(ConfigOptions.DEFAULT_FILE), List.of("offline.root=" + root, "parallelism=2")));
            List<String> requested = new ArrayList<>();
            for (int f = 0; f < features; f++) {
                requested.add("bench_group:v1:" + feature(f));
            }
            Path out = work.resolve("training-" + System.nanoTime());
            TrainingSetPlan plan = new TrainingSetPlan(
                    config,
                    labelFile.toString(),
                    "wafer_id",
                    "label_time",
                    requested,
                    List.of(),
                    Map.of(),
                    Duration.ofHours(1),
                    AsOf.of(asOf),
                    out.toString());
            Configuration conf = JobEnvironment.flinkConfiguration(config);
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.setParallelism(2);
            plan.job().build(env);
            long t = System.nanoTime();
            JobExecutionResult result = env.execute("bench-training-set");
            double seconds = (System.nanoTime() - t) / 1e9;
            TrainingSetPlan.Summary summary = plan.summary(result.getAllAccumulatorResults());
            System.out.printf(
                    "training-set: %,d labels x %d features (as of %s, max age 1 h): %.1f s, %,.0f rows/s"
                            + " (net job runtime %.1f s); statuses %s%n",
                    summary.rows(),
                    features,
                    asOf,
                    seconds,
                    summary.rows() / seconds,
                    result.getNetRuntime() / 1000.0,
                    summary.statuses());
            System.out.printf(
                    "heap max %s MB, managed memory %s, peak RSS %s; output %,d MB; %d cores, Java %s%n",
                    Runtime.getRuntime().maxMemory() >> 20,
                    managedMemory,
                    peakRss(),
                    size(out) >> 20,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            return 0;
        } finally {
            if (!keep) {
                delete(work);
            }
        }
    }

    private static String feature(int f) {
        return String.format("f%03d", f);
    }

    private void writeFeatures(Path dir) throws IOException {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("bench_group")
                .fields()
                .requiredString("wafer_id")
                .name("window_end")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .requiredInt("revision")
                .name("written_at")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault();
        for (int c = 0; c < features; c++) {
            f = f.name(feature(c)).type().optional().doubleType();
        }
        Schema schema = f.endRecord();
        SplittableRandom random = new SplittableRandom(14);
        Files.createDirectories(dir);
        // Several files, as checkpoints would leave them: each holds a slice of the wafers.
        int files = 8;
        for (int file = 0; file < files; file++) {
            try (ParquetWriter<GenericRecord> w = writer(dir.resolve("part-" + file + "-0.parquet"), schema)) {
                for (int e = file; e < entities; e += files) {
                    for (int r = 0; r < rowsPerEntity; r++) {
                        GenericRecord row = new GenericData.Record(schema);
                        long end = T0 + WINDOW * (r * 3L + random.nextInt(3));
                        row.put(0, wafer(e));
                        row.put(1, end);
                        row.put(2, 0);
                        row.put(3, end + random.nextInt(60_000));
                        for (int c = 0; c < features; c++) {
                            row.put(4 + c, random.nextDouble());
                        }
                        w.write(row);
                    }
                }
            }
        }
    }

    private void writeLabels(Path file) throws IOException {
        Schema schema = SchemaBuilder.record("labels")
                .fields()
                .requiredString("wafer_id")
                .name("label_time")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .requiredLong("label")
                .endRecord();
        SplittableRandom random = new SplittableRandom(15);
        long span = WINDOW * 3L * rowsPerEntity;
        try (ParquetWriter<GenericRecord> w = writer(file, schema)) {
            for (long l = 0; l < labels; l++) {
                GenericRecord row = new GenericData.Record(schema);
                row.put(0, wafer(random.nextInt(entities)));
                row.put(1, T0 + random.nextLong(span));
                row.put(2, random.nextInt(2));
                w.write(row);
            }
        }
    }

    private static String wafer(int e) {
        return String.format("W%07d", e);
    }

    private static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
        return AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new org.apache.hadoop.conf.Configuration()))
                .withSchema(schema)
                .build();
    }

    /** The process's peak resident set (VmHWM of /proc/self/status), where Linux gives it. */
    private static String peakRss() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
