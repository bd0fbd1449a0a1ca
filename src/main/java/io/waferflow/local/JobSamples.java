package io.waferflow.local;

import io.waferflow.metrics.OnlineWriteMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

/**
 * What a benchmark's local job did while it ran, from its own metrics, polled every {@link #POLL} by a metric reporter
 * in the MiniCluster: the checkpoints it completed ({@code numberOfCompletedCheckpoints}, {@code lastCheckpointSize},
 * {@code lastCheckpointFullSize}, {@code lastCheckpointDuration}) and how many records its sources had emitted at each
 * poll ({@code numRecordsOut} of every operator named {@code Source: ...}), and the values of each online writer's
 * {@code feature_delay_ms} histogram as last seen.
 *
 * <p>The second gives a job's <i>steady</i> rate ({@link #steadyRate}): a bounded job's net runtime also holds the
 * deployment of its tasks (seconds for the features job's ~30 subtasks on 2 cores) and, after its sources end, the wait
 * for a final checkpoint (up to one checkpoint interval), neither of which grows with the input. One job at a time per
 * JVM ({@link #start}).
 */
public final class JobSamples {

    /** One completed checkpoint. */
    public record Checkpoint(long bytes, long fullBytes, long millis) {}

    /** Records the sources had emitted by a poll at {@code nanos} ({@link System#nanoTime()}). */
    record Progress(long nanos, long records) {}

    static final String POLL = "100 ms";

    private static final List<String> CHECKPOINT_GAUGES = List.of(
            "numberOfCompletedCheckpoints", "lastCheckpointSize", "lastCheckpointFullSize", "lastCheckpointDuration");

    private static List<Checkpoint> checkpoints = new ArrayList<>();
    private static List<Progress> progress = new ArrayList<>();
    private static Map<Histogram, long[]> delays = new java.util.IdentityHashMap<>();
    /**
     * Which job's reporter may add samples: a MiniCluster's reporter can poll once more after its job has ended and the
     * next one started, and would add the ended job's counts to the next job's samples.
     */
    private static long generation;

    private JobSamples() {}

    /** Adds the reporter to a local job's configuration and forgets what an earlier job reported. */
    public static synchronized void start(Configuration flink) {
        checkpoints = new ArrayList<>();
        progress = new ArrayList<>();
        delays = new java.util.IdentityHashMap<>();
        generation++;
        flink.setString("metrics.reporter.bench_samples.factory.class", Factory.class.getName());
        flink.setString("metrics.reporter.bench_samples.generation", Long.toString(generation));
        flink.setString("metrics.reporter.bench_samples.interval", POLL);
    }

    /** The checkpoints the job since {@link #start} completed (as far as the polls saw them: one per poll at most). */
    public static synchronized List<Checkpoint> checkpoints() {
        return List.copyOf(checkpoints);
    }

    /**
     * Records per second while the sources emitted the middle 80 % of {@code records} (from the first poll that saw 10
     * % of them to the first that saw 90 %), or NaN if the polls saw too little of it.
     */
    public static synchronized double steadyRate(long records) {
        Progress from = null;
        for (Progress p : progress) {
            if (from == null && p.records() >= records / 10) {
                from = p;
            } else if (from != null && p.records() >= records * 9 / 10 && p.nanos() > from.nanos()) {
                return (p.records() - from.records()) / ((p.nanos() - from.nanos()) / 1e9);
            }
        }
        return Double.NaN;
    }

    /**
     * Each row's delay from its window's end to Redis, in ms ({@link OnlineWriteMetrics#DELAY}), as the writers'
     * histograms last held them (their last 10,000 rows each).
     */
    public static synchronized long[] featureDelays() {
        return delays.values().stream().flatMapToLong(java.util.Arrays::stream).toArray();
    }

    private static synchronized void keep(long of, Histogram h) {
        if (of == generation) {
            delays.put(h, h.getStatistics().getValues());
        }
    }

    private static synchronized void add(long of, Checkpoint c) {
        if (of == generation) {
            checkpoints.add(c);
        }
    }

    private static synchronized void add(long of, Progress p) {
        if (of == generation) {
            progress.add(p);
        }
    }

    /** Creates the reporter; named in the configuration by {@link #start}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }

    /** Reads the gauges and counters on every poll, and once more when the job removes them. */
    static final class Reporter implements MetricReporter, Scheduled {

        private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();
        private final Map<Counter, Boolean> sources = new ConcurrentHashMap<>();
        private final Map<Histogram, Boolean> histograms = new ConcurrentHashMap<>();
        private long seen;
        private long emitted;
        private long of;

        @Override
        public void open(MetricConfig config) {
            of = Long.parseLong(config.getString("generation", "-1"));
        }

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (metric instanceof Histogram h && name.equals(OnlineWriteMetrics.DELAY)) {
                histograms.put(h, true);
            } else if (metric instanceof Gauge<?> g && CHECKPOINT_GAUGES.contains(name)) {
                gauges.put(name, g);
            } else if (metric instanceof Counter c
                    && name.equals("numRecordsOut")
                    && group.getAllVariables()
                            .getOrDefault("<operator_name>", "")
                            .startsWith("Source:")) {
                sources.put(c, true);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            report();
            gauges.remove(name, metric);
            if (metric instanceof Histogram h) {
                histograms.remove(h);
            }
            if (metric instanceof Counter c && sources.remove(c) != null) {
                emitted += c.getCount(); // a finished source's records stay counted
            }
        }

        @Override
        public synchronized void report() {
            long records = emitted;
            for (Counter c : sources.keySet()) {
                records += c.getCount();
            }
            add(of, new Progress(System.nanoTime(), records));
            histograms.keySet().forEach(h -> keep(of, h));
            long count = value("numberOfCompletedCheckpoints");
            if (count > seen) {
                seen = count;
                add(
                        of,
                        new Checkpoint(
                                value("lastCheckpointSize"),
                                value("lastCheckpointFullSize"),
                                value("lastCheckpointDuration")));
            }
        }

        private long value(String name) {
            Gauge<?> g = gauges.get(name);
            return g != null && g.getValue() instanceof Number n ? n.longValue() : -1;
        }
    }
}
