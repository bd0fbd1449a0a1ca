package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.cli.JobProgress;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.features.WaferWindowAccumulator;
import io.waferflow.features.WaferWindowAggregator;
import io.waferflow.features.WaferWindowSummary;
import io.waferflow.ingest.DeviceTestParser;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.JobOutput;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.Violation;
import io.waferflow.sketch.QuantileSketches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench}: throughput of the feature job against a plain-Java baseline, side by side in one run on the same
 * pre-generated input.
 *
 * <ul>
 *   <li><b>B</b>: one thread, no Flink: parse every payload with the job's parser and aggregate it into per (wafer,
 *       window) accumulators in a HashMap. The cost of the computation itself.
 *   <li><b>F</b>: the production {@code features} graph on a local MiniCluster at parallelism 2, reading the input from
 *       a Kafka topic (bounded) and writing Redis and Parquet, with exactly-once checkpoints.
 * </ul>
 *
 * Runs alternate B, F, B, F, ... and the medians and their ratio F/B are printed.
 */
@CommandLine.Command(
        name = "bench",
        subcommands = {
            LatencyBenchCommand.class,
            ScaleBenchCommand.class,
            ServeBenchCommand.class,
            TrainingSetBenchCommand.class,
            StdfBenchCommand.class
        },
        description = {
            "measure job throughput (F) against a single-threaded plain-Java baseline (B)",
            "",
            "Pre-generates N wafer-test records, then alternates R runs of B: single-threaded parse + aggregate in "
                    + "plain"
                    + " Java, and F: the features job on a local MiniCluster reading Kafka and writing Redis + Parquet,"
                    + " and prints records/s of each (median) and F/B. Starts its own Kafka and redis-server."
        })
public final class BenchCommand implements Command, Callable<Integer> {

    @Option(names = "--records", paramLabel = "N", description = "input records (default ${DEFAULT-VALUE})")
    private int records = 1_000_000;

    @Option(names = "--runs", paramLabel = "R", description = "runs of each (default ${DEFAULT-VALUE})")
    private int runs = 3;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            description = "Flink parallelism for F (default ${DEFAULT-VALUE})")
    private int parallelism = 2;

    @Option(names = "--breakdown", description = "also run F without Redis, without the raw archive, and without both")
    private boolean breakdown;

    @Option(
            names = "--online-writes",
            description = "instead, measure the online store's row writes alone: per field, per row, pipelined, packed")
    private boolean onlineWrites;

    @Option(
            names = "--batch-rows",
            paramLabel = "N",
            description = "with --online-writes: rows per pipelined batch (default ${DEFAULT-VALUE})")
    private int batchRows = 500;

    @Option(names = "--drift-cost", description = "also run F with drift detection off, and print F (on) / F (off)")
    private boolean driftCost;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "job configuration the runs start from (default" + " ${DEFAULT-VALUE})")
    private String configFile = ConfigOptions.DEFAULT_FILE;

    @Override
    public Integer call() throws Exception {
        if (onlineWrites) {
            new OnlineWriteBench(records, runs, batchRows).run();
            return 0;
        }
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.outOfOrderRate = 0.01;
        WaferTrafficGenerator generator = new WaferTrafficGenerator(settings);
        List<byte[]> input = new ArrayList<>(records);
        long bytes = 0;
        for (int i = 0; i < records; i++) {
            byte[] p = generator.next();
            input.add(p);
            bytes += p.length;
        }
        System.out.printf(
                "input: %,d records, %,.1f MB, %d dies per wafer, %d cores, %s%n",
                records,
                bytes / 1e6,
                generator.diesPerWafer(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        Path work = Files.createTempDirectory("waferflow-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                LocalRedis redis = LocalRedis.start()) {
            String topic = "bench-device-tests";
            List<String> base = new ArrayList<>(localServices(kafka, redis, topic, parallelism));
            base.add("checkpointing.interval=10 s");
            produce(kafka.bootstrapServers(), topic, input);
            FeaturesJobConfig baseConfig = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), base));

            List<Variant> variants = new ArrayList<>(List.of(Variant.FULL));
            if (breakdown) {
                variants.addAll(List.of(Variant.NO_REDIS, Variant.NO_RAW_ARCHIVE, Variant.NO_REDIS_NO_RAW));
            }
            if (driftCost) {
                variants.add(Variant.NO_DRIFT);
            }
            List<Double> b = new ArrayList<>();
            Map<Variant, List<Double>> f = new java.util.EnumMap<>(Variant.class);
            Map<Variant, List<Double>> steady = new java.util.EnumMap<>(Variant.class);
            for (int run = 1; run <= runs; run++) {
                double bRate = baseline(baseConfig, input);
                b.add(bRate);
                StringBuilder line = new StringBuilder(String.format("run %d: B %,.0f rec/s", run, bRate));
                // Alternate the order of the F variants between runs, so warm-up and drift of the machine do not
                // favour whichever runs first.
                List<Variant> order = new ArrayList<>(variants);
                if (run % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (Variant v : order) {
                    FeaturesRun fRun = flink(base, configFile, work.resolve("run" + run + v), run, records, v);
                    double fRate = records / fRun.seconds();
                    f.computeIfAbsent(v, k -> new ArrayList<>()).add(fRate);
                    steady.computeIfAbsent(v, k -> new ArrayList<>()).add(fRun.steadyRate());
                    line.append(String.format(
                            "   %s %,.0f rec/s (%.2f of B; steady %,.0f, %.2f of B)",
                            v.label, fRate, fRate / bRate, fRun.steadyRate(), fRun.steadyRate() / bRate));
                }
                System.out.println(line);
            }
            double mb = median(b);
            System.out.printf("%nmedian of %d runs: B %,.0f rec/s%n", runs, mb);
            for (Variant v : variants) {
                double mf = median(f.get(v));
                double ms = median(steady.get(v));
                System.out.printf(
                        "  %-30s %,9.0f rec/s   %s/B %.2f   steady %,9.0f rec/s   %s/B %.2f%n",
                        v.label, mf, v == Variant.FULL ? "F" : "", mf / mb, ms, v == Variant.FULL ? "F" : "", ms / mb);
            }
            if (f.containsKey(Variant.NO_DRIFT)) {
                // Per-run ratios: each pair ran back to back, so machine noise hits both alike.
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    ratios.add(
                            f.get(Variant.FULL).get(i) / f.get(Variant.NO_DRIFT).get(i));
                }
                System.out.printf(
                        "drift cost: F (drift on) / F (drift off), median of per-run ratios %.2f %s%n",
                        median(ratios), ratios);
            }
        } finally {
            deleteRecursively(work);
        }
        return 0;
    }

    /** B: the same parse and aggregation code, one thread, no Flink. */
    static double baseline(FeaturesJobConfig c, List<byte[]> input) {
        DeviceTestParser parser = new DeviceTestParser(c.schema(), c.quality());
        WaferWindowAggregator aggregator = WaferWindowAggregator.forSchema(c.schema(), QuantileSketches.DEFAULT_K);
        long window = c.window().size().toMillis();
        List<Violation> violations = new ArrayList<>();
        Map<String, WaferWindowAccumulator> windows = new HashMap<>();
        long start = System.nanoTime();
        for (byte[] payload : input) {
            violations.clear();
            DeviceTest d = parser.parse(payload, System.currentTimeMillis(), violations);
            if (violations.stream().anyMatch(v -> v.severity.quarantines())) {
                continue;
            }
            String key = d.waferId + "@" + Math.floorDiv(d.eventTime, window);
            aggregator.add(d, windows.computeIfAbsent(key, k -> aggregator.createAccumulator()));
        }
        long results = 0;
        for (WaferWindowAccumulator acc : windows.values()) {
            WaferWindowSummary s = aggregator.getResult(acc);
            results += s.features.deviceCount;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (results == 0) {
            throw new IllegalStateException("baseline aggregated nothing");
        }
        return input.size() / seconds;
    }

    /** F: the production graph, bounded Kafka source to Redis + Parquet, timed by the job's net runtime. */
    /** F and, with --breakdown, F with a sink replaced by a discarding one, to show what each sink costs. */
    enum Variant {
        FULL("F"),
        NO_REDIS("F without Redis"),
        NO_RAW_ARCHIVE("F without raw archive"),
        NO_REDIS_NO_RAW("F without Redis and raw archive"),
        NO_DRIFT("F with drift off", "drift.enabled=false");

        final String label;
        final List<String> overrides;

        Variant(String label, String... overrides) {
            this.label = label;
            this.overrides = List.of(overrides);
        }
    }

    private static FeaturesRun flink(
            List<String> base, String configFile, Path dir, int run, int records, Variant variant) throws Exception {
        List<String> overrides = new ArrayList<>(base);
        overrides.add("kafka.group_id=bench-" + run);
        overrides.add("offline.root=" + dir.resolve("data"));
        overrides.add("checkpointing.dir=" + dir.resolve("checkpoints"));
        overrides.addAll(variant.overrides);
        FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), overrides));
        Configuration flink = JobEnvironment.flinkConfiguration(c);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        FeaturesJobSinks sinks = FeaturesJobSinks.production(c);
        if (variant == Variant.NO_REDIS || variant == Variant.NO_REDIS_NO_RAW) {
            sinks = sinks.with(
                    JobOutput.ONLINE,
                    rows -> rows.sinkTo(new DiscardingSink<>()).uid("bench-discard-online"));
        }
        if (variant == Variant.NO_RAW_ARCHIVE || variant == Variant.NO_REDIS_NO_RAW) {
            sinks = sinks.with(
                    JobOutput.RAW_ARCHIVE,
                    valid -> valid.sinkTo(new DiscardingSink<>()).uid("bench-discard-raw"));
        }
        return runFeatures(c, flink, sinks, "bench-" + run, records, variant.label + " run " + run);
    }

    /**
     * A features job's run: its net runtime (from scheduling to the end, without the MiniCluster's own start-up) and
     * its steady rate ({@link JobSamples#steadyRate}: without the deployment of its tasks and the wait for a final
     * checkpoint, which the runtime holds and which do not grow with the input).
     */
    record FeaturesRun(double seconds, double steadyRate) {}

    /**
     * Runs the features job, reading its bounded Kafka input to the end, on a local MiniCluster, sampling it
     * ({@link JobSamples}); fails unless it read {@code records}.
     */
    static FeaturesRun runFeatures(
            FeaturesJobConfig c, Configuration flink, FeaturesJobSinks sinks, String name, int records, String label)
            throws Exception {
        JobSamples.start(flink);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        env.setParallelism(c.parallelism());
        new FeaturesJob(c, KafkaInput.boundedToLatest(c), sinks).build(env);
        long start = System.nanoTime();
        JobExecutionResult result = env.execute(name);
        double wall = (System.nanoTime() - start) / 1e9;
        double seconds = result.getNetRuntime() / 1e3;
        double steady = JobSamples.steadyRate(records);
        System.out.printf(
                "  %s: job runtime %.1f s (%,.0f rec/s), steady %,.0f rec/s, wall time with MiniCluster start-up"
                        + " %.1f s%n",
                label, seconds, records / seconds, steady, wall);
        long in = new JobProgress(result.getAllAccumulatorResults()).recordsIn;
        if (in != records) {
            throw new IllegalStateException("the job read " + in + " of " + records + " records");
        }
        return new FeaturesRun(seconds, steady);
    }

    static void produce(String bootstrap, String topic, List<byte[]> input) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] payload : input) {
                producer.send(new ProducerRecord<>(topic, payload));
            }
            producer.flush();
        }
    }

    /**
     * The overrides that point a bench's job at its local Kafka (creating the input topic, and the violation and alert
     * topics) and redis-server, at {@code parallelism}, reading the input from its start, alerts not logged.
     */
    static List<String> localServices(EmbeddedKafka kafka, LocalRedis redis, String inputTopic, int parallelism)
            throws Exception {
        for (String topic : List.of(inputTopic, VIOLATIONS_TOPIC, ALERTS_TOPIC)) {
            kafka.createTopic(topic, parallelism); // does nothing for an existing topic
        }
        return List.of(
                "kafka.bootstrap_servers=" + kafka.bootstrapServers(),
                "kafka.input_topic=" + inputTopic,
                "kafka.violations_topic=" + VIOLATIONS_TOPIC,
                "alerts.sinks.kafka_topic=" + ALERTS_TOPIC,
                // The generated data's data-quality alerts would fill the console between the bench's lines.
                "alerts.sinks.log=false",
                "kafka.starting_offsets=earliest",
                "redis.host=" + redis.host(),
                "redis.port=" + redis.port(),
                "parallelism=" + parallelism);
    }

    private static final String VIOLATIONS_TOPIC = "bench-violations";
    private static final String ALERTS_TOPIC = "bench-alerts";

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
