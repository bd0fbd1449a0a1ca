package io.waferflow.local;

import io.waferflow.cli.AlertsCommand;
import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.JobProgress;
import io.waferflow.cli.OfflineReportCommand;
import io.waferflow.cli.ServeCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.config.WindowSpec;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.ingest.MonitorInput;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.MonitorJob;
import io.waferflow.jobs.MonitorJobSinks;
import io.waferflow.local.model.DemoModelLoop;
import io.waferflow.local.model.WaferWindowOutcome;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.savepoints.SavepointInspection;
import io.waferflow.serving.FeatureServer;
import io.waferflow.stores.online.DriftMetricToRedis;
import io.waferflow.stores.online.PackedFeatures;
import io.waferflow.stores.online.RedisClients;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import sun.misc.Signal;

/**
 * {@code demo}: the whole {@code features} job on a local MiniCluster with the Flink web UI, fed by a generator of
 * wafer-test traffic through a real Kafka broker, writing to a real Redis and to Parquet under {@code ./data}. Starts
 * its own Kafka (KRaft, in this JVM) and redis-server unless pointed at existing ones, prints progress, and on
 * {@code --duration} or Ctrl-C drains the job (all windows fire, all files commit) and stops everything it started.
 */
@CommandLine.Command(
        name = "demo",
        description = {
            "run everything locally: Kafka, Redis, a traffic generator and the feature job with its web UI",
            "",
            "Starts a Kafka broker and a redis-server on free loopback ports (unless --kafka/--redis are given), "
                    + "generates"
                    + " wafer-test traffic into the input topic and runs the feature job on a local MiniCluster. "
                    + "Features"
                    + " go to Redis and to Parquet under --data. Stops on --duration or Ctrl-C: the job is drained "
                    + "(every"
                    + " window fires, every file is committed) and everything the demo started is stopped."
        })
public final class DemoCommand implements Command, Callable<Integer> {

    @Option(
            names = "--duration",
            paramLabel = "D",
            description = "how long to generate traffic, e.g. \"2 min\" (default: until Ctrl-C)")
    private Duration duration;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "records per second to generate (default ${DEFAULT-VALUE})")
    private int rate = 2000;

    @Option(
            names = "--testers",
            paramLabel = "N",
            description = "testers probing wafers in parallel (default ${DEFAULT-VALUE})")
    private int testers = 8;

    @Option(
            names = "--drift-after",
            paramLabel = "N",
            description = "shift Vdd by +0.05 V (2.5 sigma) after N wafers per tester: about 31 %% of dies then fail"
                    + " the Vdd test limits (default ${DEFAULT-VALUE}: after the drift baseline has formed and the"
                    + " model has predicted a while; -1 = never)")
    private int driftAfter = 30;

    @Option(
            names = "--model",
            negatable = true,
            description = "train a yield model on the offline store, predict each final wafer window through the"
                    + " feature API and publish predictions and actuals for the monitor (default: on)")
    private boolean model = true;

    @Option(
            names = "--train-for",
            paramLabel = "D",
            description = "event time of traffic the model is trained on, from its start (default \"30 min\":"
                    + " about 11 wafers per tester, before the drift)")
    private Duration trainFor = Duration.ofMinutes(30);

    @Option(
            names = "--actual-delay",
            paramLabel = "D",
            description = "event time from a wafer window's end to its actual yield class on the actuals topic"
                    + " (default \"5 min\")")
    private Duration actualDelay = Duration.ofMinutes(5);

    @Option(
            names = "--bad-rate",
            paramLabel = "R",
            description = "share of malformed records (default ${DEFAULT-VALUE})")
    private double badRate = 0.002;

    @Option(
            names = "--unit-error-wafer",
            paramLabel = "N",
            description = "tester T01 writes Vdd in mV on its N-th"
                    + " wafer and every 10th after (default ${DEFAULT-VALUE}: a rejected wafer; -1 = never)")
    private int unitErrorWafer = 12;

    @Option(
            names = "--late-rate",
            paramLabel = "R",
            description = "share of records delayed past the allowed lateness (default ${DEFAULT-VALUE})")
    private double lateRate = 0.001;

    @Option(names = "--seed", paramLabel = "N", description = "generator seed (default ${DEFAULT-VALUE})")
    private long seed = 42;

    @Option(
            names = "--savepoint-on-exit",
            description = "stop with a resumable savepoint (windows stay open in it)"
                    + " instead of draining the job (every window written)")
    private boolean savepointOnExit;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "resume from a --savepoint-on-exit"
                    + " savepoint: state, counters, drift baselines and alerts carry on, and the generated traffic "
                    + "starts after"
                    + " the event time the saved job had reached")
    private String fromSavepoint;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "use this Kafka instead of starting one")
    private String kafka;

    @Option(names = "--redis", paramLabel = "HOST:PORT", description = "use this Redis instead of starting one")
    private String redis;

    @Option(names = "--data", paramLabel = "DIR", description = "offline store root (default ./${DEFAULT-VALUE})")
    private Path data = Path.of("data");

    @Option(
            names = "--web-port",
            paramLabel = "P",
            description = "Flink web UI port (default ${DEFAULT-VALUE}; 0 = any free port)")
    private int webPort = 8081;

    @Option(
            names = "--serve-port",
            paramLabel = "P",
            description = "port of the feature API (waferflow serve) on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any"
                    + " free port)")
    private int servePort = 8090;

    @Mixin
    private ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        Path dataDir = data.toAbsolutePath();

        List<AutoCloseable> started = new ArrayList<>();
        CountDownLatch stopRequested = new CountDownLatch(1);
        // Ctrl-C (SIGINT) and SIGTERM start an orderly drain instead of a JVM shutdown, during which Flink, Kafka
        // and Redis would be torn down under the running job. A second signal exits at once.
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> {
                if (stopRequested.getCount() == 0) {
                    System.exit(130);
                }
                log("stop requested (" + name + "); once more to exit without draining");
                stopRequested.countDown();
            });
        }
        try {
            String kafkaAddress = kafka;
            if (kafkaAddress == null) {
                log("starting Kafka (KRaft, in-process) ...");
                EmbeddedKafka kafka = EmbeddedKafka.start();
                started.add(0, kafka);
                kafkaAddress = kafka.bootstrapServers();
            }
            String redisAddress = redis;
            if (redisAddress == null) {
                log("starting redis-server ...");
                LocalRedis redis = LocalRedis.start();
                started.add(0, redis);
                redisAddress = redis.address();
            }
            String[] redisHostPort = redisAddress.split(":");
            List<String> overrides = new ArrayList<>(List.of(
                    "kafka.bootstrap_servers=" + kafkaAddress,
                    "kafka.starting_offsets=earliest",
                    "redis.host=" + redisHostPort[0],
                    "redis.port=" + redisHostPort[1],
                    "offline.root=" + dataDir,
                    // Short checkpoints: Parquet files appear every 10 s instead of every 30 s.
                    "checkpointing.interval=10 s",
                    // The simulated floor runs ~50x faster than the clock: 10-minute drift windows close every ~12 s.
                    "drift.window=10 min",
                    // The model's accuracy baseline: its predictions in the monitor windows that end within 45 min of
                    // the first one's start (training ends 30 min into the traffic, the Vdd drift ~78 min).
                    "monitor.baseline.reference=45 min",
                    // The demo predicts ~60 wafer windows per 15-min monitor window, not the 250 of a production
                    // model at 1,000 an hour: smaller samples for the drift of the predictions and the model's inputs,
                    // so the root cause (vdd_mean) is judged in the demo's windows too.
                    "monitor.prediction_drift.min_reference=100",
                    "monitor.prediction_drift.min_current=40"));
            boolean newBroker = fromSavepoint != null && kafka == null;
            if (newBroker) {
                // Resuming on a new in-process broker: the saved job's pending Kafka transactions belong to the
                // deleted one, and committing them here fails the job. Fresh topic sinks instead.
                overrides.add("kafka.sink_epoch=resumed_" + System.currentTimeMillis() / 1000);
            }
            overrides.add("serving.port=" + servePort);
            overrides.addAll(configOptions.overrides());
            FeaturesJobConfig config = FeaturesJobConfig.from(RawConfig.load(configOptions.file(), overrides));
            createTopic(kafkaAddress, config.inputTopic(), config.parallelism());
            createTopic(kafkaAddress, config.violationsTopic(), config.parallelism());
            boolean alertTopic =
                    config.alerts().enabled() && !config.alerts().kafkaTopic().isEmpty();
            if (alertTopic) {
                createTopic(kafkaAddress, config.alerts().kafkaTopic(), config.parallelism());
            }
            boolean modelLoop = model && config.window().type() == WindowSpec.Type.TUMBLING;
            if (model && !modelLoop) {
                log("no yield model: it predicts per tumbling wafer window, and feature_group.window is "
                        + config.window().type());
            }
            if (modelLoop) {
                createTopic(kafkaAddress, config.monitor().predictionsTopic(), config.parallelism());
                createTopic(kafkaAddress, config.monitor().actualsTopic(), config.parallelism());
            }

            WaferTrafficGenerator.Settings settings = new WaferTrafficGenerator.Settings();
            settings.seed = seed;
            settings.testers = testers;
            settings.driftAfterWafers = driftAfter;
            settings.badRecordRate = badRate;
            settings.lateRecordRate = lateRate;
            // Tester T01 writes Vdd in millivolts on its 12th wafer and every 10th after: a rejected wafer.
            settings.unitErrorWafer = unitErrorWafer;
            // Each wafer window's outcome, for the actuals and to learn which windows are final.
            settings.windowMillis = modelLoop ? config.window().size().toMillis() : 0;
            // The simulated test floor runs ~50x faster than the clock: start it a week back, so its event times stay
            // in the past (a future event time beyond quality.event_time.max_future_skew is quarantined).
            settings.startMillis = Instant.now().minus(Duration.ofDays(7)).toEpochMilli();
            String resumeFrom = fromSavepoint == null ? null : FeaturesJobConfig.toUri(fromSavepoint);
            if (resumeFrom != null) {
                // Records older than the saved job's watermark would be too late: continue after it.
                long watermark = SavepointInspection.watermark(resumeFrom);
                settings.startMillis = Math.max(
                        settings.startMillis, watermark + Duration.ofMinutes(10).toMillis());
                log("resuming from " + resumeFrom + " (its watermark " + Instant.ofEpochMilli(watermark)
                        + "); traffic starts at " + Instant.ofEpochMilli(settings.startMillis));
            }
            TrafficProducer producer =
                    new TrafficProducer(kafkaAddress, config.inputTopic(), new WaferTrafficGenerator(settings), rate);
            long trafficStart = settings.startMillis;

            Configuration flink = JobEnvironment.flinkConfiguration(config);
            if (resumeFrom != null) {
                flink.set(StateRecoveryOptions.SAVEPOINT_PATH, resumeFrom);
                // Only the old topic sinks' state goes unclaimed (kafka.sink_epoch above). The restored source
                // offsets lie past the end of the new broker's topic when the job starts reading, so the readers fall
                // back to its start (starting_offsets=earliest): traffic after the saved watermark.
                flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, newBroker);
            }
            flink.set(RestOptions.PORT, webPort);
            // Accumulators (the progress counters) travel with TaskManager heartbeats: every 2 s instead of 10 s.
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            env.setParallelism(config.parallelism());
            // As the features command: the demo's data directory outlives a run, and a run with another definition
            // must not add its rows to the version's.
            DefinitionCheck.verify(config, DefinitionCheck.Use.WRITE, DefinitionCheck.Use.WRITE)
                    .forEach(DemoCommand::log);
            new FeaturesJob(config, KafkaInput.source(config), FeaturesJobSinks.production(config)).build(env);
            if (modelLoop) {
                // The monitor job on the same environment: both run as one local job with one web UI.
                createTopic(kafkaAddress, config.monitor().retrainTopic(), config.parallelism());
                new MonitorJob(
                                config,
                                MonitorInput.predictions(config),
                                MonitorInput.actuals(config),
                                MonitorJobSinks.production(config))
                        .build(env);
            }
            FeaturesCommand.claimServingVersion(config);
            JobClient job = env.executeAsync(config.jobName());
            log("feature job " + job.getJobID() + " running; web UI http://localhost:"
                    + (webPort == 0 ? "<see log>" : webPort));
            log("Kafka " + kafkaAddress + " topics " + config.inputTopic() + ", " + config.violationsTopic()
                    + " | Redis " + redisAddress
                    + " | Parquet " + dataDir);
            // The feature API over the demo's Redis, as `waferflow serve` runs it.
            FeatureServer server = FeatureServer.start(config);
            started.add(0, server);
            log("feature API " + server.url() + " (rows appear as windows close); live page " + server.url()
                    + "/ui (wafer maps, drift, open alerts); e.g. the first wafer:");
            log("  " + ServeCommand.exampleCurl(server.url(), config.featureGroup(), "WT01-000-01"));
            DemoModelLoop models = null;
            if (modelLoop) {
                models = new DemoModelLoop(
                        config, trafficStart, trainFor, actualDelay, server.url(), dataDir, DemoCommand::log);
                started.add(0, models);
                producer.listen(models::generated, DemoModelLoop.finalLag(config));
                models.start();
                log("yield model: trained on the first " + trainFor.toMinutes() + " min of event time, then predicts"
                        + " each final wafer window to " + config.monitor().predictionsTopic() + "; actuals to "
                        + config.monitor().actualsTopic() + " " + actualDelay.toMinutes() + " min after each window");
            }
            producer.start();
            AlertPrinter alerts =
                    alertTopic ? new AlertPrinter(kafkaAddress, config.alerts().kafkaTopic(), DemoCommand::log) : null;
            if (alerts != null) {
                started.add(0, alerts);
                alerts.start();
            }

            long startNanos = System.nanoTime();
            long lastIn = 0;
            long lastNanos = startNanos;
            while (true) {
                boolean stop = stopRequested.await(5, TimeUnit.SECONDS)
                        || (duration != null && System.nanoTime() - startNanos >= duration.toNanos());
                JobProgress p = new JobProgress(job.getAccumulators().get());
                long now = System.nanoTime();
                double perSecond = (p.recordsIn - lastIn) / ((now - lastNanos) / 1e9);
                log(String.format(
                        "produced %,d | in %,d (%,.0f rec/s) | windows online %,d offline %,d | "
                                + "quarantined %,d (too late %,d) | late updates %,d",
                        producer.sent(),
                        p.recordsIn,
                        perSecond,
                        p.onlineRows,
                        p.offlineRows,
                        p.quarantined,
                        p.tooLate,
                        p.lateUpdates));
                lastIn = p.recordsIn;
                lastNanos = now;
                if (stop) {
                    break;
                }
            }

            log(
                    savepointOnExit
                            ? "stopping the generator and the job with a resumable savepoint ..."
                            : "stopping the generator and draining the job (every window fires,"
                                    + " every file commits) ...");
            producer.close();
            waitUntilConsumed(job, producer.sent());
            if (models != null) {
                models.finish();
                // The drain stops the monitor's Kafka sources where they are: let it read what was just published.
                waitUntilMonitored(job, models.messagesSent());
            }
            Path savepoints = Path.of("savepoints").toAbsolutePath();
            // Drained (every window fires, every file commits) unless the run is to be resumed: Flink 1.20.0 cannot
            // restore a drained savepoint (its sinks' end-of-input summaries, FLINK-25920).
            boolean resumable = savepointOnExit;
            String savepoint = job.stopWithSavepoint(
                            !resumable, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            JobExecutionResult result = job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
            if (alerts != null) {
                Thread.sleep(1_000); // the final checkpoint's alerts: committed with the savepoint
            }
            Path report = writeReport(config, configOptions, overrides, kafkaAddress, alertTopic, dataDir);
            printSummary(
                    new JobProgress(result.getAllAccumulatorResults()),
                    producer.sent(),
                    redisAddress,
                    config,
                    dataDir,
                    savepoint,
                    alerts == null ? "alert topic off" : alerts.summary(),
                    resumable,
                    models);
            if (report != null) {
                System.out.println("report               " + report + " (open it in a browser)");
            }
            return 0;
        } finally {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception e) {
                    log("could not stop " + c + ": " + e);
                }
            }
        }
    }

    /**
     * {@code waferflow report} over the demo's offline store, with the alerts of its topic, into {@code dataDir}: the
     * run's pictures in one file. A report that cannot be written is a note, not a failed demo. The report's path, or
     * null.
     */
    private static Path writeReport(
            FeaturesJobConfig config,
            ConfigOptions options,
            List<String> overrides,
            String kafkaAddress,
            boolean alertTopic,
            Path dataDir) {
        Path report = dataDir.resolve("report.html");
        try {
            List<String> args = new ArrayList<>();
            if (options.fileGiven()) {
                args.addAll(List.of("--config", options.file().toString()));
            }
            for (String o : overrides) {
                args.addAll(List.of("--set", o));
            }
            if (alertTopic) {
                Path alerts = dataDir.resolve("alerts.jsonl");
                try (PrintStream out = new PrintStream(Files.newOutputStream(alerts), true, StandardCharsets.UTF_8)) {
                    int code = new AlertsCommand(out, System.err, Clock.systemUTC())
                            .run(
                                    "tail",
                                    "--bootstrap",
                                    kafkaAddress,
                                    "--topic",
                                    config.alerts().kafkaTopic(),
                                    "--format",
                                    "json");
                    if (code == 0) {
                        args.addAll(List.of("--alerts", alerts.toString()));
                    }
                }
            }
            args.addAll(List.of("--offline-root", dataDir.toString(), "--out", report.toString()));
            log("writing the report: waferflow report --offline-root " + dataDir + " --out " + report);
            int code = new OfflineReportCommand(System.out).run(args.toArray(new String[0]));
            return code == 0 ? report : null;
        } catch (Exception e) {
            log("could not write the report: " + e);
            return null;
        }
    }

    private static void waitUntilConsumed(JobClient job, long produced) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (new JobProgress(job.getAccumulators().get()).recordsIn >= produced) {
                return;
            }
            Thread.sleep(200);
        }
        log("the job had not read every produced record after 60 s; draining anyway");
    }

    private static void waitUntilMonitored(JobClient job, long published) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Map<String, Object> counters = job.getAccumulators().get();
            long read = Stream.of("predictions_", "actuals_")
                    .map(topic -> counters.get(topic + PipelineCounter.RECORDS_IN))
                    .mapToLong(n -> n == null ? 0 : ((Number) n).longValue())
                    .sum();
            if (read >= published) {
                return;
            }
            Thread.sleep(200);
        }
        log("the monitor had not read every prediction and actual after 60 s; draining anyway");
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static void printSummary(
            JobProgress p,
            long produced,
            String redisAddress,
            FeaturesJobConfig config,
            Path dataDir,
            String savepoint,
            String alerts,
            boolean resumable,
            DemoModelLoop models)
            throws Exception {
        String pattern = config.redisKeyPrefix() + ":" + config.featureGroup() + ":" + config.featureVersion() + ":*";
        long keys = 0;
        String example = null;
        try (Jedis jedis = RedisClients.jedis(config.redisConnection())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page =
                        jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
                keys += page.getResult().size();
                if (example == null && !page.getResult().isEmpty()) {
                    example = page.getResult().get(0);
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            System.out.println();
            System.out.println("==== WaferFlow demo summary ====");
            System.out.printf("records produced      %,d%n", produced);
            System.out.printf("records in            %,d%n", p.recordsIn);
            System.out.printf("  aggregated          %,d%n", p.aggregated());
            System.out.printf(
                    "  quarantined         %,d (at parsing %,d, duplicates %,d, too late %,d)%n",
                    p.quarantined, p.quarantined - p.tooLate - p.duplicates, p.duplicates, p.tooLate);
            System.out.printf("violations            %s%n", p.violationsBySeverity);
            System.out.printf(
                    "windows written       online %,d, offline %,d (late updates %,d)%n",
                    p.onlineRows, p.offlineRows, p.lateUpdates);
            System.out.printf("Redis keys            %,d matching %s%n", keys, pattern);
            System.out.printf("Parquet files         %,d under %s%n", countParquet(dataDir), dataDir);
            System.out.printf("drift metrics         %,d (latest per feature below)%n", p.driftMetrics);
            for (String feature : config.schema().parameterNames()) {
                Map<String, String> d = jedis.hgetAll(DriftMetricToRedis.key(
                        config.redisKeyPrefix(), config.featureGroup(), config.featureVersion(), feature));
                if (!d.isEmpty()) {
                    System.out.printf(
                            "  %-12s %-17s psi %-8s KS D %-8s shift %s σ (n %s vs baseline %s)%n",
                            feature,
                            d.get("verdict"),
                            round(d.get("psi")),
                            round(d.get("ks_d")),
                            round(d.get("shift_sigma")),
                            d.get("n_current"),
                            d.get("n_baseline"));
                }
            }
            System.out.printf(
                    "alerts                fired %,d, resolved %,d, escalated %,d; from the topic: %s%n",
                    p.alertsFired, p.alertsResolved, p.alertsEscalated, alerts);
            if (models != null) {
                models.printSummary(System.out);
            }
            if (resumable) {
                System.out.printf("savepoint (resumable) %s%n", savepoint);
                System.out.printf("                      resume: bin/waferflow demo --from-savepoint %s%n", savepoint);
            } else {
                System.out.printf(
                        "final savepoint       %s (drained: windows still open at the end were written;"
                                + " to resume later, run with --savepoint-on-exit)%n",
                        savepoint);
            }
            if (example != null) {
                Map<String, String> hash = PackedFeatures.flatten(jedis.hgetAll(example));
                System.out.println("example online row   " + example);
                for (String f : List.of(
                        "device_count",
                        "yield_pct",
                        "vdd_mean",
                        "vdd_std",
                        "vdd_p95",
                        "neighbor_yield_avg",
                        "window_end",
                        "feature_version")) {
                    System.out.printf("  %-20s %s%n", f, hash.get(f));
                }
            }
        }
    }

    private static String round(String number) {
        return number == null || number.isEmpty() ? "-" : String.format("%.3f", Double.parseDouble(number));
    }

    private static long countParquet(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")
                            && f.getFileName().toString().startsWith("part-"))
                    .count();
        }
    }

    static void log(String message) {
        System.out.println("[waferflow demo " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }

    /** Sends generated records to Kafka at a steady rate on its own thread. */
    static final class TrafficProducer implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final WaferTrafficGenerator generator;
        private final int rate;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final Thread thread;
        private BiConsumer<List<WaferWindowOutcome>, Long> windows;
        private long finalLag;

        TrafficProducer(String bootstrap, String topic, WaferTrafficGenerator generator, int rate) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            this.topic = topic;
            this.generator = generator;
            this.rate = rate;
            this.thread = new Thread(this::loop, "waferflow-demo-generator");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /**
         * Before {@link #start}: after each burst of records, hands {@code windows} the wafer windows that became final
         * ({@code finalLag} behind the generator's clock) and that clock, on the generator's thread.
         */
        void listen(BiConsumer<List<WaferWindowOutcome>, Long> windows, long finalLag) {
            this.windows = windows;
            this.finalLag = finalLag;
        }

        long sent() {
            return sent.get();
        }

        private void loop() {
            long start = System.nanoTime();
            while (running.get()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (sent.get() < due && running.get()) {
                    producer.send(new ProducerRecord<>(topic, generator.next()));
                    sent.incrementAndGet();
                }
                if (windows != null) {
                    windows.accept(generator.finishedWindows(finalLag), generator.frontier());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
