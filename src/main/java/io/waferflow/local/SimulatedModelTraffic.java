package io.waferflow.local;

import io.waferflow.model.Actual;
import io.waferflow.model.Prediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded predictions and actuals of one binary classifier, for studying the monitor's detection delay and false alarms
 * without a model: predictions at a steady rate, each right with the model's accuracy, each actual arriving a random
 * delay later (or never). From {@link Settings#degradeAt} on, accuracy drops, the score distribution moves with it
 * (wrong predictions are less confident), and one input, {@code vdd_mean}, shifts: the situation the monitor must name
 * with vdd as the cause. Everything comes from one {@link SplittableRandom} seeded by the run, so a run's events do not
 * depend on anything else.
 */
public final class SimulatedModelTraffic {

    /** What one run looks like. Times are event times, epoch millis. */
    public static final class Settings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        public String model = "yield_class";
        public String modelVersion = "1";
        public long startMillis;
        public long durationMillis = 48 * 3_600_000L;
        public int predictionsPerHour = 1000;
        /** Share of the actuals that ever arrive. */
        public double labelCoverage = 0.95;
        /** Mean of the exponential delay of an actual after its prediction. */
        public long meanLabelDelayMillis = 10 * 60_000L;

        public double accuracy = 0.92;
        /** When the degradation starts; Long.MAX_VALUE: never. */
        public long degradeAt = Long.MAX_VALUE;

        public double degradedAccuracy = 0.80;
        /** vdd_mean's mean before and after degradeAt (volts), and its spread. */
        public double vddMean = 1.20;

        public double vddDegraded = 1.25;
        public double vddStd = 0.02;
    }

    /** One run's predictions and actuals, each in the order its topic would carry them (by event time). */
    public record Run(List<Prediction> predictions, List<Actual> actuals) {}

    private SimulatedModelTraffic() {}

    /** How many predictions a run of these settings makes (every run the same number). */
    public static int predictionsPerRun(Settings s) {
        return (int) (s.durationMillis / (3_600_000L / s.predictionsPerHour));
    }

    /** Every prediction and actual of one run. */
    public static Run run(Settings s, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Prediction> predictions = new ArrayList<>();
        List<Actual> actuals = new ArrayList<>();
        long step = 3_600_000L / s.predictionsPerHour;
        long n = predictionsPerRun(s);
        for (long i = 0; i < n; i++) {
            long t = s.startMillis + i * step + random.nextLong(step); // in order: one per step
            boolean degraded = t >= s.degradeAt;
            boolean actualHigh = random.nextDouble() < 0.8;
            boolean right = random.nextDouble() < (degraded ? s.degradedAccuracy : s.accuracy);
            boolean predictedHigh = right == actualHigh;

            Prediction p = new Prediction();
            p.predictionId = s.model + "/" + s.modelVersion + "/" + seed + "-" + i;
            p.model = s.model;
            p.modelVersion = s.modelVersion;
            p.entity = "W" + i;
            p.eventTime = t;
            p.observedAt = t;
            p.predictedClass = predictedHigh ? "high" : "low";
            // Right predictions are confident, wrong ones less so: a drop in accuracy moves the scores.
            p.score = right ? 0.70 + 0.30 * random.nextDouble() : 0.50 + 0.30 * random.nextDouble();
            p.featureNames = new String[] {"vdd_mean", "idd_mean"};
            p.featureValues = new double[] {
                (degraded ? s.vddDegraded : s.vddMean) + s.vddStd * random.nextGaussian(),
                0.0021 + 0.0001 * random.nextGaussian()
            };
            predictions.add(p);

            if (random.nextDouble() < s.labelCoverage) {
                long delay = (long) (-s.meanLabelDelayMillis * Math.log(1 - random.nextDouble()));
                Actual a = new Actual();
                a.predictionId = p.predictionId;
                a.actualClass = actualHigh ? "high" : "low";
                a.eventTime = t + delay;
                a.observedAt = a.eventTime;
                actuals.add(a);
            }
        }
        actuals.sort(Comparator.comparingLong(a -> a.eventTime));
        return new Run(predictions, actuals);
    }
}
