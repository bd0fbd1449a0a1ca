package io.waferflow.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench scale}: how the features job's cost grows with parametric tests per record, wafers in flight, allowed
 * lateness and the state backend. Each point of the given lists (their cross product) gets its own input of about the
 * same size in bytes (more parameters, fewer records), and the runs alternate over the points, B then F at each, so
 * machine noise spreads over all of them. Per point: records/s and parameter values/s of F, F/B, and the checkpoints F
 * completed (largest full size, median and largest duration), with the largest divided by the wafers in flight.
 */
@CommandLine.Command(
        name = "scale",
        description = {
            "measure how the features job's cost grows: parameters, wafers in flight, lateness, state backend",
            "",
            "For each combination of --parameters, --wafers-in-flight, --lateness and --state-backend (lists, comma"
                    + " separated), generates about --megabytes of input (wafers in flight = testers, each testing"
                    + " one wafer at a time), then alternates --runs rounds over the points, running B (plain Java)"
                    + " and F (the features job, Kafka to Redis + Parquet, checkpoints every --checkpoint-interval)."
                    + " Prints records/s, values/s, F/B and the checkpoints' size and duration per point."
        })
public final class ScaleBenchCommand implements Command, Callable<Integer> {

    private static final int SCHEMA_PARAMETERS = 4;

    @Option(
            names = "--parameters",
            split = ",",
            paramLabel = "N",
            description = "parametric tests per record, at least 4 (default ${DEFAULT-VALUE})")
    private List<Integer> parameters = List.of(SCHEMA_PARAMETERS);

    @Option(
            names = "--wafers-in-flight",
            split = ",",
            paramLabel = "W",
            description = "testers, each testing one wafer at a time (default ${DEFAULT-VALUE})")
    private List<Integer> wafersInFlight = List.of(8);

    @Option(
            names = "--lateness",
            split = ",",
            paramLabel = "DURATION",
            description = "watermark out-of-orderness and allowed lateness, both (default: the config's)")
    private List<String> lateness = List.of();

    @Option(
            names = "--state-backend",
            split = ",",
            paramLabel = "hashmap|rocksdb",
            description = "Flink state backend; rocksdb checkpoints incrementally (default ${DEFAULT-VALUE})")
    private List<String> stateBackends = List.of("hashmap");

    @Option(
            names = "--megabytes",
            paramLabel = "MB",
            description = "input per point, in MB of JSON (default ${DEFAULT-VALUE})")
    private double megabytes = 100;

    @Option(names = "--runs", paramLabel = "R", description = "rounds over the points (default ${DEFAULT-VALUE})")
    private int runs = 3;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            description = "F's checkpoint interval (default ${DEFAULT-VALUE})")
    private String checkpointInterval = "2 s";

    /**
     * What a TaskManager of the cluster configuration (flink-conf/config.yaml: 2,048 MB process, 2 slots) gets: 40 % of
     * its ~1,590 MB of Flink memory. RocksDB's block cache and write buffers live in it; a local MiniCluster's default
     * (128 MB) flushes RocksDB's write buffers so often that writes stall.
     */
    @Option(
            names = "--managed-memory",
            paramLabel = "SIZE",
            description = "Flink managed memory of the local TaskManager (RocksDB's memory; default ${DEFAULT-VALUE})")
    private String managedMemory = "635m";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "job configuration the points start from (default ${DEFAULT-VALUE})")
    private String configFile = ConfigOptions.DEFAULT_FILE;

    /** One point of the curves, its input and what its runs measured. */
    private static final class Point {
        int parameters;
        int wafers;
        String lateness;
        String backend;
        List<byte[]> input;
        long bytes;
        Path config;
        String topic;
        final List<Double> b = new ArrayList<>();
        final List<Double> f = new ArrayList<>();
        final List<Double> steady = new ArrayList<>();
        final List<JobSamples.Checkpoint> checkpoints = new ArrayList<>();

        String label() {
            return String.format(
                    Locale.ROOT,
                    "parameters %d, wafers in flight %d, lateness %s, %s",
                    parameters,
                    wafers,
                    lateness == null ? "(config)" : lateness,
                    backend);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (parameters.stream().anyMatch(p -> p < SCHEMA_PARAMETERS)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--parameters: at least " + SCHEMA_PARAMETERS + " (the schema's own)");
        }
        Path work = Files.createTempDirectory("waferflow-scale");
        List<Point> points = points();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                LocalRedis redis = LocalRedis.start()) {
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                generate(p);
                p.config = config(work, p);
                p.topic = "scale-" + i;
                BenchCommand.localServices(kafka, redis, p.topic, 2);
                BenchCommand.produce(kafka.bootstrapServers(), p.topic, p.input);
                System.out.printf(
                        "point %d: %s: %,d records, %,.1f MB%n", i + 1, p.label(), p.input.size(), p.bytes / 1e6);
            }
            for (int run = 1; run <= runs; run++) {
                List<Point> order = new ArrayList<>(points);
                if (run % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (Point p : order) {
                    measure(p, run, kafka, redis, work.resolve("run" + run + "-" + points.indexOf(p)));
                }
            }
            print(points);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return 0;
    }

    private List<Point> points() {
        List<String> latenesses = lateness.isEmpty() ? java.util.Collections.singletonList(null) : lateness;
        List<Point> out = new ArrayList<>();
        for (String backend : stateBackends) {
            for (String late : latenesses) {
                for (int w : wafersInFlight) {
                    for (int n : parameters) {
                        Point p = new Point();
                        p.parameters = n;
                        p.wafers = w;
                        p.lateness = late;
                        p.backend = backend;
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    /** About {@code --megabytes} of records: the first one's size decides how many. */
    private void generate(Point p) {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.testers = p.wafers;
        // Every tester starts within the first minute of event time, so all of them have a wafer in flight early on.
        settings.testerStaggerMillis = Math.min(settings.testerStaggerMillis, 60_000 / p.wafers);
        settings.extraParameters = p.parameters - SCHEMA_PARAMETERS;
        WaferTrafficGenerator generator = new WaferTrafficGenerator(settings);
        p.input = new ArrayList<>();
        p.bytes = 0;
        while (p.bytes < megabytes * 1e6) {
            byte[] record = generator.next();
            p.input.add(record);
            p.bytes += record.length;
        }
    }

    /** The job file with the extra parameters declared in its schema (float, required, a parameter). */
    private Path config(Path work, Point p) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(Path.of(configFile).toFile());
        ObjectNode fields = (ObjectNode) root.with("schema").with("fields");
        for (int i = 1; i <= p.parameters - SCHEMA_PARAMETERS; i++) {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("type", "float");
            field.put("required", true);
            field.put("parameter", true);
            fields.set(WaferTrafficGenerator.parameterName(i), yaml.valueToTree(field));
        }
        // The feature registry the job checks its group against at start-up: the one beside the given job file.
        root.with("feature_group")
                .put(
                        "registry",
                        Path.of(configFile)
                                .toAbsolutePath()
                                .resolveSibling("registry")
                                .toString());
        Path file = work.resolve("features-" + p.parameters + ".yaml");
        yaml.writeValue(file.toFile(), root);
        return file;
    }

    private void measure(Point p, int run, EmbeddedKafka kafka, LocalRedis redis, Path dir) throws Exception {
        List<String> overrides = new ArrayList<>(BenchCommand.localServices(kafka, redis, p.topic, 2));
        overrides.add("checkpointing.interval=" + checkpointInterval);
        overrides.add("kafka.group_id=scale-" + run);
        overrides.add("offline.root=" + dir.resolve("data"));
        overrides.add("checkpointing.dir=" + dir.resolve("checkpoints"));
        if (p.lateness != null) {
            overrides.add("feature_group.watermark.out_of_orderness=" + p.lateness);
            overrides.add("feature_group.window.allowed_lateness=" + p.lateness);
        }
        FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.load(p.config, overrides));
        p.b.add(BenchCommand.baseline(c, p.input));

        Configuration flink = JobEnvironment.flinkConfiguration(c);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        flink.setString("state.backend.type", p.backend);
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
        flink.setString("execution.checkpointing.incremental", Boolean.toString(p.backend.equals("rocksdb")));
        BenchCommand.FeaturesRun f = BenchCommand.runFeatures(
                c, flink, FeaturesJobSinks.production(c), "scale-" + run, p.input.size(), p.label() + ", run " + run);
        p.f.add(p.input.size() / f.seconds());
        p.steady.add(f.steadyRate());
        p.checkpoints.addAll(JobSamples.checkpoints());
        System.out.printf(
                Locale.ROOT,
                "run %d, %s: B %,.0f rec/s, F %,.0f rec/s (F/B %.2f), steady %,.0f rec/s (%.2f), %d checkpoints%n",
                run,
                p.label(),
                p.b.get(p.b.size() - 1),
                p.f.get(p.f.size() - 1),
                p.f.get(p.f.size() - 1) / p.b.get(p.b.size() - 1),
                f.steadyRate(),
                f.steadyRate() / p.b.get(p.b.size() - 1),
                JobSamples.checkpoints().size());
    }

    private void print(List<Point> points) {
        System.out.printf(
                "%nmedians of %d runs (checkpoints: all runs' completed checkpoints; size = full size)%n", runs);
        System.out.println("| point | F rec/s | F steady rec/s | steady values/s | B rec/s | F/B | steady F/B |"
                + " checkpoints | largest MB | median s | largest s | largest KB per wafer in flight |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Point p : points) {
            double f = BenchCommand.median(p.f);
            double steady = BenchCommand.median(p.steady);
            double b = BenchCommand.median(p.b);
            long largest = p.checkpoints.stream()
                    .mapToLong(JobSamples.Checkpoint::fullBytes)
                    .max()
                    .orElse(-1);
            List<Double> durations =
                    p.checkpoints.stream().map(cp -> cp.millis() / 1e3).toList();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %d | %.1f | %.2f | %.2f | %.1f |%n",
                    p.label(),
                    f,
                    steady,
                    steady * p.parameters,
                    b,
                    f / b,
                    steady / b,
                    p.checkpoints.size(),
                    largest / 1e6,
                    durations.isEmpty() ? Double.NaN : BenchCommand.median(durations),
                    durations.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    largest / 1e3 / p.wafers);
        }
    }
}
