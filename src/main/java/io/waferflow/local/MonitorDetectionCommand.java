package io.waferflow.local;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.alerts.ModelFindings;
import io.waferflow.cli.Command;
import io.waferflow.cli.ConfigOptions;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.MonitorJob;
import io.waferflow.jobs.MonitorJobSinks;
import io.waferflow.jobs.MonitorOutput;
import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code monitor-detection}: how soon the whole monitor job raises a model-degradation alert, and how often it raises
 * one when nothing degraded (issue 15 "Measured"). A benchmark, not a test. Seeded runs of
 * {@link SimulatedModelTraffic} (predictions at a steady rate, actuals a random delay later) go through the production
 * {@link MonitorJob} graph on a local MiniCluster (join, window metrics with their revisions, model drift, degradation,
 * root cause, the alert policy); only the Kafka topics are replaced by in-memory sources. Every other run degrades
 * (accuracy and the vdd_mean input shift at a seeded time); the others never do. Each run is its own model and its own
 * day(s) of event time, so runs do not share state and the watermark passes them one after another. The time of an
 * alert is the event time at which the policy emitted it (its stream timestamp): what a user would have seen, actuals'
 * delay included.
 */
@CommandLine.Command(
        name = "monitor-detection",
        description = {
            "benchmark the monitor job's model-degradation alerts: detection delay and false alarms",
            "",
            "Seeded runs of simulated predictions and delayed actuals through the monitor job's production graph on a"
                    + " local MiniCluster (in-memory sources instead of the topics). Half the runs degrade (accuracy"
                    + " drops, vdd_mean shifts); the others do not. Prints Markdown tables: time from the degradation's"
                    + " start to the alert, runs alerting without degradation, and the root cause named."
        })
public final class MonitorDetectionCommand implements Command, Callable<Integer> {

    private static final long HOUR = 3_600_000L;

    @Option(names = "--runs", paramLabel = "N", description = "runs of each kind (default ${DEFAULT-VALUE})")
    private int runs = 40;

    @Option(names = "--hours", paramLabel = "H", description = "event time per run (default ${DEFAULT-VALUE})")
    private int hours = 24;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "predictions per hour of event time (default ${DEFAULT-VALUE})")
    private int rate = 1000;

    @Option(names = "--accuracy", paramLabel = "A", description = "accuracy before (default ${DEFAULT-VALUE})")
    private double accuracy = 0.92;

    @Option(
            names = "--degraded-accuracy",
            paramLabel = "A",
            description = "accuracy after the degradation's start (default ${DEFAULT-VALUE})")
    private double degradedAccuracy = 0.80;

    @Option(
            names = "--degrade-after",
            paramLabel = "D",
            description = "degradation start after the run's start, plus a seeded offset of up to one monitor window"
                    + " (default ${DEFAULT-VALUE})")
    private Duration degradeAfter = Duration.ofHours(8);

    @Option(
            names = "--label-delay",
            paramLabel = "D",
            description = "mean (exponential) delay of an actual (default ${DEFAULT-VALUE})")
    private Duration labelDelay = Duration.ofMinutes(10);

    @Option(names = "--seed", paramLabel = "N", description = "seed (default ${DEFAULT-VALUE})")
    private long seed = 1;

    @Mixin
    private ConfigOptions configOptions;

    /** An alert as the policy emitted it, with the event time it was emitted at. A Flink POJO. */
    public static class StampedAlert {
        public String key;
        public String type;
        public AlertStatus status;
        public String subject;
        public String features;
        public long at;

        public StampedAlert() {}
    }

    @Override
    public Integer call() throws Exception {
        FeaturesJobConfig config = configOptions.load();
        long window = config.monitor().window().toMillis();
        // A fixed start: the same seed gives the same runs on every machine and day.
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        List<SimulatedModelTraffic.Settings> settings = new ArrayList<>();
        long[] seeds = new long[2 * runs];
        for (int r = 0; r < 2 * runs; r++) {
            SimulatedModelTraffic.Settings s = new SimulatedModelTraffic.Settings();
            s.model = String.format(Locale.ROOT, "run%04d", r);
            s.startMillis = start + r * hours * HOUR;
            s.durationMillis = hours * HOUR;
            s.predictionsPerHour = rate;
            s.accuracy = accuracy;
            s.degradedAccuracy = degradedAccuracy;
            s.meanLabelDelayMillis = labelDelay.toMillis();
            seeds[r] = seed * 1_000_003L + r;
            if (r % 2 == 0) {
                long offset = new SplittableRandom(seeds[r]).nextLong(window);
                s.degradeAt = s.startMillis + degradeAfter.toMillis() + offset;
            }
            settings.add(s);
        }
        long began = System.nanoTime();
        List<StampedAlert> all = alerts(config, settings, seeds);
        System.err.printf("ran in %.0f s%n", (System.nanoTime() - began) / 1e9);
        print(settings, all);
        return 0;
    }

    /**
     * Runs {@code settings} (one run each, seeded by {@code seeds}) through the monitor job's graph and returns every
     * alert it emitted, stamped with the event time it was emitted at.
     */
    static List<StampedAlert> alerts(
            FeaturesJobConfig config, List<SimulatedModelTraffic.Settings> settings, long[] seeds) throws Exception {
        // Actuals per run vary (some never come): count them once, so each index maps to one run's actual.
        long[] firstActual = new long[settings.size() + 1];
        for (int r = 0; r < settings.size(); r++) {
            firstActual[r + 1] = firstActual[r]
                    + SimulatedModelTraffic.run(settings.get(r), seeds[r])
                            .actuals()
                            .size();
        }
        long perRun = SimulatedModelTraffic.predictionsPerRun(settings.get(0));
        long[] firstPrediction = new long[settings.size() + 1];
        for (int r = 0; r < settings.size(); r++) {
            firstPrediction[r + 1] = firstPrediction[r] + perRun;
        }
        System.err.printf(
                "%d runs: %,d predictions, %,d actuals%n",
                settings.size(), firstPrediction[settings.size()], firstActual[settings.size()]);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(JobEnvironment.flinkConfiguration(config));
        env.setParallelism(config.parallelism());
        // The study's own collect sink has no uid, and nothing here is ever restored from a savepoint.
        env.getConfig().enableAutoGeneratedUIDs();
        AtomicReference<DataStream<StampedAlert>> alerts = new AtomicReference<>();
        MonitorJobSinks sinks = MonitorJobSinks.none()
                .with(
                        MonitorOutput.ALERTS,
                        s -> alerts.set(s.process(new Stamp()).name("Alerts with event time")));
        new MonitorJob(
                        config,
                        source(new RunRecords(settings, seeds, firstPrediction, false)),
                        source(new RunRecords(settings, seeds, firstActual, true)),
                        sinks)
                .build(env);
        List<StampedAlert> all = new ArrayList<>();
        try (CloseableIterator<StampedAlert> it = alerts.get().executeAndCollect("monitor-detection")) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    private static DataGeneratorSource<ParsedMonitorRecord> source(RunRecords records) {
        return new DataGeneratorSource<>(records, records.count(), TypeInformation.of(ParsedMonitorRecord.class));
    }

    private void print(List<SimulatedModelTraffic.Settings> settings, List<StampedAlert> alerts) {
        Map<String, List<StampedAlert>> byModel = new HashMap<>();
        for (StampedAlert a : alerts) {
            if (a.status == AlertStatus.FIRING) {
                byModel.computeIfAbsent(a.subject, k -> new ArrayList<>()).add(a);
            }
        }
        List<Double> delays = new ArrayList<>();
        int missed = 0;
        int earlyAlarms = 0;
        int vddFirst = 0;
        int cleanAlarms = 0;
        int cleanConceptAlarms = 0;
        int degradedConcept = 0;
        for (SimulatedModelTraffic.Settings s : settings) {
            List<StampedAlert> fired = byModel.getOrDefault(Prediction.modelKey(s.model, s.modelVersion), List.of());
            StampedAlert degradation = first(fired, ModelFindings.DEGRADATION, Long.MIN_VALUE);
            if (s.degradeAt == Long.MAX_VALUE) {
                cleanAlarms += degradation == null ? 0 : 1;
                cleanConceptAlarms += first(fired, ModelFindings.CONCEPT_DRIFT, Long.MIN_VALUE) == null ? 0 : 1;
                continue;
            }
            if (degradation != null && degradation.at < s.degradeAt) {
                earlyAlarms++;
            }
            StampedAlert detected = first(fired, ModelFindings.DEGRADATION, s.degradeAt);
            if (detected == null) {
                missed++;
                continue;
            }
            delays.add((detected.at - s.degradeAt) / 60_000.0);
            if (detected.features != null && detected.features.startsWith("vdd_mean")) {
                vddFirst++;
            }
            degradedConcept += first(fired, ModelFindings.CONCEPT_DRIFT, s.degradeAt) == null ? 0 : 1;
        }
        double[] d = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.println("| runs | alerted | median delay | p90 delay | max delay | alerts naming vdd_mean first"
                + " | concept drift alerts | alerted before the start |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf(
                Locale.ROOT,
                "| %d degrading (accuracy %.2f → %.2f, vdd_mean +2.5σ) | %d (%.1f %%) | %s | %s | %s"
                        + " | %d | %d | %d |%n",
                runs,
                accuracy,
                degradedAccuracy,
                d.length,
                100.0 * d.length / runs,
                minutes(d, 0.5),
                minutes(d, 0.9),
                minutes(d, 1.0),
                vddFirst,
                degradedConcept,
                earlyAlarms);
        System.out.printf(
                Locale.ROOT,
                "| %d without degradation | %d (%.1f %%) | | | | | %d | |%n",
                runs,
                cleanAlarms,
                100.0 * cleanAlarms / runs,
                cleanConceptAlarms);
        if (missed > 0) {
            System.out.printf("%d degrading runs never alerted%n", missed);
        }
    }

    private static StampedAlert first(List<StampedAlert> fired, String type, long notBefore) {
        return fired.stream()
                .filter(a -> a.type.equals(type) && a.at >= notBefore)
                .min((a, b) -> Long.compare(a.at, b.at))
                .orElse(null);
    }

    /** The q-quantile (nearest rank) of sorted minutes, as "N min"; "-" when empty. */
    private static String minutes(double[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return String.format(Locale.ROOT, "%.0f min", sorted[Math.max(0, rank - 1)]);
    }

    /** Stamps each alert with its stream timestamp: the event time the policy emitted it at. */
    static final class Stamp extends ProcessFunction<Alert, StampedAlert> {
        @Override
        public void processElement(Alert alert, Context ctx, Collector<StampedAlert> out) {
            StampedAlert s = new StampedAlert();
            s.key = alert.key;
            s.type = alert.type;
            s.status = alert.status;
            s.subject = alert.subject;
            s.features = alert.features;
            s.at = ctx.timestamp() == null ? Long.MIN_VALUE : ctx.timestamp();
            out.collect(s);
        }
    }

    /**
     * The predictions (or actuals) of every run by index: index i is the (i − first[r])-th of run r. A reader reads its
     * index range in order, so it regenerates each run once (runs are seeded, so every reader gets the same run).
     */
    static final class RunRecords implements GeneratorFunction<Long, ParsedMonitorRecord> {

        private static final long serialVersionUID = 1L;

        private final List<SimulatedModelTraffic.Settings> settings;
        private final long[] seeds;
        private final long[] first;
        private final boolean actuals;
        private transient int cachedRun;
        private transient SimulatedModelTraffic.Run cached;

        RunRecords(List<SimulatedModelTraffic.Settings> settings, long[] seeds, long[] first, boolean actuals) {
            this.settings = List.copyOf(settings);
            this.seeds = seeds.clone();
            this.first = first.clone();
            this.actuals = actuals;
        }

        long count() {
            return first[first.length - 1];
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            cachedRun = -1;
        }

        @Override
        public ParsedMonitorRecord map(Long index) {
            int found = Arrays.binarySearch(first, index);
            int run = found >= 0 ? found : -found - 2;
            while (first[run + 1] == first[run]) {
                run++; // a run without actuals
            }
            if (run != cachedRun) {
                cached = SimulatedModelTraffic.run(settings.get(run), seeds[run]);
                cachedRun = run;
            }
            int i = (int) (index - first[run]);
            ParsedMonitorRecord record = new ParsedMonitorRecord();
            if (actuals) {
                record.actual = cached.actuals().get(i);
            } else {
                record.prediction = cached.predictions().get(i);
            }
            return record;
        }
    }
}
