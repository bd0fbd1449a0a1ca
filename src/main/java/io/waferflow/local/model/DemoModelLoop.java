package io.waferflow.local.model;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.serving.FeatureClient;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The demo's model loop (issue 15 part 2): trains the {@link YieldModel} on the offline store once the wafer windows of
 * its training period are final and written, predicts every later final wafer window through {@code serve}
 * ({@link PredictionPublisher}), publishes each window's actual after a delay ({@link ActualPublisher}), and keeps the
 * monitor job's accuracy over time ({@link ModelAccuracyHistory}) for the summary.
 *
 * <p>The training period is {@code [start, start + trainFor]} of event time; the model is fitted once every window that
 * ended in it is final in the generator's view and the offline store holds rows of at least 95 % of them (a window
 * whose every record was malformed has none), or holds no more rows after three checks in a row.
 */
public final class DemoModelLoop implements AutoCloseable {

    private final FeaturesJobConfig config;
    private final long trainFrom;
    private final long trainThrough;
    private final long finalLag;
    private final Path modelFile;
    private final Consumer<String> log;
    private final TopicSender predictionsTopic;
    private final TopicSender actualsTopic;
    private final ActualPublisher actuals;
    private final PredictionPublisher predictions;
    private final ModelAccuracyHistory history;
    private final ScheduledExecutorService timer;
    private final AtomicLong frontier = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong trainingWindows = new AtomicLong();
    private final AtomicInteger unchangedChecks = new AtomicInteger();
    private volatile int lastRows = -1;
    private volatile YieldModel model;

    /**
     * @param start the event time the generated traffic starts at
     * @param trainFor how much event time of traffic the model is trained on
     * @param actualDelay how long after a window's end (event time) its actual is published
     * @param serveUrl the feature API the predictions ask
     */
    public DemoModelLoop(
            FeaturesJobConfig config,
            long start,
            Duration trainFor,
            Duration actualDelay,
            String serveUrl,
            Path dataDir,
            Consumer<String> log) {
        this.config = config;
        this.trainFrom = start;
        this.trainThrough = start + trainFor.toMillis();
        this.finalLag = finalLag(config);
        this.modelFile = dataDir.resolve("models")
                .resolve(YieldModelTraining.MODEL + "-" + YieldModelTraining.VERSION + ".json");
        this.log = log;
        this.predictionsTopic = new TopicSender(
                config.kafkaClient().clientProperties(), config.monitor().predictionsTopic());
        this.actualsTopic = new TopicSender(
                config.kafkaClient().clientProperties(), config.monitor().actualsTopic());
        this.actuals =
                new ActualPublisher(actualsTopic, actualDelay.toMillis(), YieldModelTraining.THRESHOLD_YIELD_PCT);
        this.predictions = new PredictionPublisher(
                new FeatureClient(URI.create(serveUrl), config.serving().token().value()),
                config.featureGroup(),
                config.featureVersion(),
                100 * config.quality().rejectFlaggedRate(),
                predictionsTopic,
                Duration.ofSeconds(60),
                log);
        this.history = new ModelAccuracyHistory(
                config.redisConnection(),
                config.redisKeyPrefix(),
                YieldModelTraining.MODEL,
                YieldModelTraining.VERSION);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "waferflow-demo-model");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * How long after a window's end the generator's clock must be before the window is final: the allowed lateness plus
     * the watermark's out-of-orderness (the watermark trails the newest event time by it).
     */
    public static long finalLag(FeaturesJobConfig config) {
        return config.window().allowedLateness().toMillis()
                + config.outOfOrderness().toMillis();
    }

    /** Starts training checks (every 2 s) and polling the monitor's metrics (every 250 ms: a window shows briefly). */
    public void start() {
        timer.scheduleWithFixedDelay(this::checkTraining, 2, 2, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::pollHistory, 250, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Called on the generator's thread after it sent records: the windows that became final and its clock. The training
     * period's windows are counted; the later ones wait for a prediction; all get an actual.
     */
    public void generated(List<WaferWindowOutcome> finished, long generatorClock) {
        for (WaferWindowOutcome w : finished) {
            if (w.windowEnd() <= trainThrough) {
                trainingWindows.incrementAndGet();
            }
        }
        frontier.set(generatorClock);
        predictions.finished(finished);
        actuals.finished(finished);
        actuals.publishDue(generatorClock);
    }

    private void checkTraining() {
        if (model != null || frontier.get() < trainThrough + finalLag) {
            return;
        }
        try {
            List<YieldModelTraining.Row> rows = YieldModelTraining.rows(config, trainFrom, trainThrough);
            int written = rows.size();
            unchangedChecks.set(written == lastRows ? unchangedChecks.get() + 1 : 0);
            lastRows = written;
            boolean complete = written >= 0.95 * trainingWindows.get();
            if (written == 0 || (!complete && unchangedChecks.get() < 3)) {
                return;
            }
            List<YieldModelTraining.Row> usable =
                    rows.stream().filter(r -> !r.rejected()).toList();
            YieldModel fitted = YieldModelTraining.fit(usable, trainThrough);
            fitted.write(modelFile);
            model = fitted;
            log.accept(String.format(
                    "model %s/%s trained on %,d wafer windows (of %,d final by %s; rejected ones left out): %s",
                    fitted.model(),
                    fitted.version(),
                    usable.size(),
                    trainingWindows.get(),
                    Instant.ofEpochMilli(trainThrough),
                    modelFile));
            predictions.start(fitted);
        } catch (ConfigException notYet) {
            // No offline rows of this version yet: checked again in 2 s.
        } catch (Exception e) {
            log.accept("model training: " + e);
        }
    }

    private void pollHistory() {
        try {
            history.poll();
        } catch (RuntimeException e) {
            // Redis busy or restarting: the next poll reads it.
        }
    }

    /**
     * At the end of the run, before the job is drained: the predictions of windows already final, then every actual
     * still waiting (with its due event time), so the monitor sees the last windows labeled.
     */
    public void finish() throws InterruptedException {
        if (model == null) {
            log.accept("the model was not trained: the run ended before its training period's rows were written");
        } else if (!predictions.drain(Duration.ofSeconds(30))) {
            log.accept("some final windows were not predicted within 30 s");
        }
        actuals.publishAll();
    }

    /** Predictions and actuals sent to their topics so far (after {@link #finish}: all of them). */
    public long messagesSent() {
        return predictionsTopic.sent() + actualsTopic.sent();
    }

    public void printSummary(PrintStream out) {
        pollHistory();
        out.printf(
                "model                 %s (trained on event time up to %s)%n",
                model == null ? "not trained" : modelFile.toString(), Instant.ofEpochMilli(trainThrough));
        out.printf("  predictions         %s -> %s%n", predictions.summary(), predictionsTopic.topic());
        out.printf("  actuals             %,d -> %s%n", actuals.published(), actualsTopic.topic());
        history.print(out);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        predictions.close();
        predictionsTopic.close();
        actualsTopic.close();
    }
}
