package io.waferflow.local;

import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench latency}: how long after a wafer window's end its features are in Redis, with records arriving in real
 * time. Testers are simulated with event time = wall-clock time (a record is sent when the clock reaches its event
 * time), so the rate is set by the number of testers; the features job runs unbounded on a local MiniCluster and each
 * row's delay (Redis acknowledged it − window end) comes from the writers' {@code feature_delay_ms} histograms
 * ({@link JobSamples#featureDelays}). The bound to compare with: the watermark's out-of-orderness (a window fires once
 * the watermark passes its end) plus 500 ms.
 */
@CommandLine.Command(
        name = "latency",
        description = {
            "measure the delay from a window's end to its features in Redis, records arriving in real time",
            "",
            "Sends generated records to a local Kafka as their event time comes (about --rate records/s from as many"
                    + " simulated testers), runs the features job on them for --duration with --window windows, and"
                    + " prints p50/p95/p99/max of each row's delay (Redis write - window end) against"
                    + " out-of-orderness + 500 ms. Use half of F's steady rate (bench, bench scale) for --rate."
        })
public final class LatencyBenchCommand implements Command, Callable<Integer> {

    @Option(names = "--rate", paramLabel = "R", description = "records per second (default ${DEFAULT-VALUE})")
    private int rate = 2_000;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "how long to send records (default ${DEFAULT-VALUE})")
    private String duration = "3 min";

    @Option(
            names = "--window",
            paramLabel = "DURATION",
            description = "the feature group's tumbling window, shorter than the config's for more window ends per run"
                    + " (default ${DEFAULT-VALUE})")
    private String window = "1 min";

    @Option(names = "--config", paramLabel = "FILE", description = "job configuration (default ${DEFAULT-VALUE})")
    private String configFile = ConfigOptions.DEFAULT_FILE;

    private long behindSum;
    private long behindMax;

    @Override
    public Integer call() throws Exception {
        Duration sending = RawConfig.parseDuration("--duration", duration);
        Path work = Files.createTempDirectory("waferflow-latency");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                LocalRedis redis = LocalRedis.start()) {
            String topic = "latency-device-tests";
            List<String> overrides = new ArrayList<>(BenchCommand.localServices(kafka, redis, topic, 2));
            overrides.add("checkpointing.interval=10 s");
            overrides.add("feature_group.window.type=tumbling");
            overrides.add("feature_group.window.size=" + window);
            overrides.add("offline.root=" + work.resolve("data"));
            overrides.add("checkpointing.dir=" + work.resolve("checkpoints"));
            FeaturesJobConfig c = FeaturesJobConfig.from(RawConfig.load(Path.of(configFile), overrides));

            Configuration flink = JobEnvironment.streaming(c);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            JobSamples.start(flink);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
            env.setParallelism(c.parallelism());
            new FeaturesJob(c, KafkaInput.source(c), FeaturesJobSinks.production(c)).build(env);
            JobClient job = env.executeAsync("bench-latency");
            try {
                Thread.sleep(5_000); // the job's tasks deploy (the topic is new: the source reads it from its start)
                long sent = send(kafka.bootstrapServers(), topic, sending);
                System.out.printf(
                        Locale.ROOT,
                        "sent %,d records in %d s: %,.0f records/s%n",
                        sent,
                        sending.toSeconds(),
                        sent / (double) sending.toSeconds());
                // Windows that ended an out-of-orderness before the last record have fired by now or are being
                // written; later ones never fire (no record moves the watermark past them) and are not counted.
                Thread.sleep(5_000);
            } finally {
                job.cancel().get();
            }
            Thread.sleep(1_000); // the reporter's last poll
            print(JobSamples.featureDelays(), c.outOfOrderness());
        } finally {
            BenchCommand.deleteRecursively(work);
        }
        return 0;
    }

    /** Sends records as the wall clock reaches their event time, for {@code sending}; returns how many. */
    private long send(String bootstrap, String topic, Duration sending) {
        WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
        settings.testers = Math.max(1, (int) Math.round(rate / recordsPerTesterSecond()));
        settings.startMillis = System.currentTimeMillis();
        // Every tester starts within the first 10 s, so the rate holds from the start.
        settings.testerStaggerMillis = Math.min(settings.testerStaggerMillis, 10_000 / settings.testers);
        WaferTrafficGenerator generator = new WaferTrafficGenerator(settings);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long end = System.currentTimeMillis() + sending.toMillis();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long now = System.currentTimeMillis(); now < end; now = System.currentTimeMillis()) {
                while (generator.frontier() <= now) {
                    // How far behind its event time a record leaves: a sender starved of CPU delays every window.
                    long behind = now - generator.frontier();
                    behindSum += behind;
                    behindMax = Math.max(behindMax, behind);
                    producer.send(new ProducerRecord<>(topic, generator.next()));
                    sent++;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "records left the sender %,.0f ms after their event time on average, %,d ms at most%n",
                sent == 0 ? 0.0 : behindSum / (double) sent,
                behindMax);
        return sent;
    }

    /** Records per second of event time one simulated tester produces, measured on the generator over an hour. */
    private static double recordsPerTesterSecond() {
        WaferTrafficGenerator.Settings s = new WaferTrafficGenerator.Settings();
        s.testers = 1;
        WaferTrafficGenerator g = new WaferTrafficGenerator(s);
        long hour = s.startMillis + 3_600_000L;
        long records = 0;
        while (g.frontier() < hour) {
            g.next();
            records++;
        }
        return records / 3_600.0;
    }

    private static void print(long[] delays, Duration outOfOrderness) {
        long bound = outOfOrderness.toMillis() + 500;
        if (delays.length == 0) {
            System.out.println("no feature row reached Redis: no window ended while records were sent");
            return;
        }
        long[] sorted = delays.clone();
        Arrays.sort(sorted);
        long within = Arrays.stream(sorted).filter(d -> d <= bound).count();
        System.out.printf(
                Locale.ROOT,
                "%,d rows: delay from window end to Redis p50 %,d ms, p95 %,d, p99 %,d, max %,d;"
                        + " bound out-of-orderness + 500 ms = %,d ms: %s (%.1f %% of rows within)%n",
                sorted.length,
                quantile(sorted, 0.50),
                quantile(sorted, 0.95),
                quantile(sorted, 0.99),
                sorted[sorted.length - 1],
                bound,
                quantile(sorted, 0.99) <= bound ? "p99 within" : "p99 over",
                100.0 * within / sorted.length);
    }

    /** The nearest-rank quantile of sorted values. */
    static long quantile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
