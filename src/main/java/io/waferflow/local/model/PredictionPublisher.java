package io.waferflow.local.model;

import io.waferflow.serving.FeatureClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The model's client: for each wafer window that became final, asks {@code serve} for the wafer's features over HTTP,
 * as a real client would, predicts its yield class and publishes the prediction (event time: the window's end).
 *
 * <p>Which windows are final comes from the traffic generator ({@link #finished}): a window is final once every
 * tester's clock has passed its end plus the allowed lateness and the watermark's out-of-orderness, so no record of it
 * within the lateness is still to come. The job may not have written it yet: the served row names its window, and the
 * publisher asks again until the row is that window's ({@code window_end} equal), then predicts. A row of an earlier
 * window means not yet; a row of a later window of the same wafer means the window was overwritten before it was read
 * ({@link #overwritten()}); no row after {@code patience} is given up ({@link #notServed()}). Windows that ended by the
 * model's training cut-off are skipped (they were its training data), and rejected wafer windows are not scored.
 *
 * <p>Runs on its own thread from {@link #start}; {@link #finished} may be called from any thread.
 */
public final class PredictionPublisher implements AutoCloseable {

    /** Features asked for besides the model's inputs: whether the wafer window was rejected. */
    static final String FLAGGED_PCT = "dq_devices_flagged_pct";

    private static final int BATCH = 200;

    private final FeatureClient serve;
    private final String featureGroup;
    private final String featureVersion;
    private final double rejectPct;
    private final TopicSender topic;
    private final Duration patience;
    private final Consumer<String> log;
    private final ConcurrentLinkedQueue<WaferWindowOutcome> incoming = new ConcurrentLinkedQueue<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong inTraining = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong overwritten = new AtomicLong();
    private final AtomicLong notServed = new AtomicLong();
    private final Thread thread;
    private volatile YieldModel model;
    private volatile boolean idle = true;

    private record Waiting(WaferWindowOutcome window, long since) {}

    public PredictionPublisher(
            FeatureClient serve,
            String featureGroup,
            String featureVersion,
            double rejectPct,
            TopicSender topic,
            Duration patience,
            Consumer<String> log) {
        this.serve = serve;
        this.featureGroup = featureGroup;
        this.featureVersion = featureVersion;
        this.rejectPct = rejectPct;
        this.topic = topic;
        this.patience = patience;
        this.log = log;
        this.thread = new Thread(this::loop, "waferflow-demo-predictions");
        this.thread.setDaemon(true);
    }

    /** Windows the generator finished (final), in window-end order. */
    public void finished(List<WaferWindowOutcome> windows) {
        idle = false;
        incoming.addAll(windows);
    }

    /** Starts predicting with {@code trained}; windows finished before wait for it. */
    public void start(YieldModel trained) {
        use(trained);
        thread.start();
    }

    /** The model {@link #round} predicts with (tests drive rounds themselves). */
    void use(YieldModel trained) {
        this.model = trained;
    }

    private void loop() {
        while (running.get()) {
            try {
                boolean nothingLeft = round();
                idle = nothingLeft && incoming.isEmpty();
                Thread.sleep(nothingLeft ? 500 : 200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // serve unreachable for a moment, or a failed send: reported, and tried again on the next round.
                log.accept("predictions: " + e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One round over the waiting windows; true when none is left waiting. */
    boolean round() throws Exception {
        YieldModel m = model;
        long now = System.nanoTime();
        for (WaferWindowOutcome w; (w = incoming.poll()) != null; ) {
            if (w.windowEnd() <= m.trainedThrough()) {
                inTraining.incrementAndGet();
            } else {
                waiting.add(new Waiting(w, now));
            }
        }
        for (int from = 0; from < waiting.size(); from += BATCH) {
            answer(m, waiting.subList(from, Math.min(waiting.size(), from + BATCH)), now);
        }
        waiting.removeIf(w -> w == null);
        return waiting.isEmpty();
    }

    /** Asks serve for a batch's wafers; the windows it settles are set to null in {@code batch}. */
    private void answer(YieldModel m, List<Waiting> batch, long now) throws Exception {
        LinkedHashSet<String> wafers = new LinkedHashSet<>();
        batch.forEach(w -> wafers.add(w.window().waferId()));
        List<String> features = new ArrayList<>(m.inputs());
        features.add(FLAGGED_PCT);
        FeatureClient.Answer answer = serve.features(FeatureClient.Request.of(featureGroup, List.copyOf(wafers))
                .withVersion(featureVersion)
                .withFeatures(features));
        Map<String, FeatureClient.EntityFeatures> byWafer = new java.util.HashMap<>();
        answer.results().forEach(r -> byWafer.put(r.entity(), r));
        for (int i = 0; i < batch.size(); i++) {
            WaferWindowOutcome w = batch.get(i).window();
            FeatureClient.EntityFeatures row = byWafer.get(w.waferId());
            Long served = row == null ? null : row.windowEnd();
            if (served == null || served < w.windowEnd()) {
                if (now - batch.get(i).since() >= patience.toNanos()) {
                    notServed.incrementAndGet();
                    batch.set(i, null);
                }
                continue;
            }
            batch.set(i, null);
            if (served > w.windowEnd()) {
                overwritten.incrementAndGet();
            } else if (YieldModelTraining.rejected(value(row.values(), FLAGGED_PCT), rejectPct)) {
                rejected.incrementAndGet();
            } else {
                double[] x = m.inputs().stream()
                        .mapToDouble(f -> value(row.values(), f))
                        .toArray();
                topic.send(
                        ModelTopicRecords.predictionId(m.model(), m.version(), w.waferId(), w.windowEnd()),
                        ModelTopicRecords.prediction(m, w.waferId(), w.windowEnd(), m.predict(x), x));
            }
        }
    }

    private static double value(Map<String, Double> values, String feature) {
        Double v = values.get(feature);
        return v == null ? Double.NaN : v;
    }

    /**
     * Waits (at the end of a run) until every finished window is predicted or given up, at most {@code timeout}, and
     * until the predictions are acknowledged; false when windows were still waiting.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!idle || !incoming.isEmpty()) && model != null && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        topic.flush();
        return idle;
    }

    public long published() {
        return topic.sent();
    }

    public String summary() {
        return String.format(
                "%,d published; not scored: %,d in the training period, %,d rejected wafers, %,d overwritten by the"
                        + " wafer's next window before read, %,d never served",
                topic.sent(), inTraining.get(), rejected.get(), overwritten.get(), notServed.get());
    }

    long overwritten() {
        return overwritten.get();
    }

    long notServed() {
        return notServed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(10_000);
    }
}
