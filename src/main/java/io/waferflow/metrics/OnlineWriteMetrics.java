package io.waferflow.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What an online-store writer reports: {@code redis_write_latency_us} (a histogram of each pipelined batch's round trip
 * in microseconds, over the last 1,000), {@code redis_write_batches} (round trips) and {@code redis_rows_written} and
 * {@code feature_freshness_ms}, how far the newest window this writer has served lags the wall clock (window end to
 * now, at the time of reading): the age of the freshest features a model can read; {@code feature_delay_ms}, a
 * histogram of how long after its window's end each row reached Redis (over the last 10,000 rows: the watermark's
 * out-of-orderness, the firing and the write); and {@code online_store_up}, 0 while the writer's Redis does not answer
 * (rows then wait in the job's state).
 */
public final class OnlineWriteMetrics {

    public static final String LATENCY = "redis_write_latency_us";
    public static final String BATCHES = "redis_write_batches";
    public static final String ROWS = "redis_rows_written";
    public static final String FRESHNESS = "feature_freshness_ms";
    public static final String UP = "online_store_up";
    public static final String DELAY = "feature_delay_ms";
    /** Rows Redis did not take because it holds a later window of the key (a replay after a failover). */
    public static final String KEPT_NEWER = "online_rows_kept_newer";

    private final Histogram latency;
    private final Histogram delay;
    private final Counter keptNewer;
    private final Counter batches;
    private final Counter rows;
    private volatile long newestWindowEnd = Long.MIN_VALUE;

    /** @param up whether the writer's store answers, as the {@code online_store_up} gauge (1 or 0) */
    public OnlineWriteMetrics(MetricGroup operatorGroup, java.util.function.BooleanSupplier up) {
        MetricGroup group = operatorGroup.addGroup(PipelineCounter.GROUP);
        group.gauge(UP, (Gauge<Integer>) () -> up.getAsBoolean() ? 1 : 0);
        latency = group.histogram(LATENCY, new DescriptiveStatisticsHistogram(1_000));
        delay = group.histogram(DELAY, new DescriptiveStatisticsHistogram(10_000));
        keptNewer = group.counter(KEPT_NEWER);
        batches = group.counter(BATCHES);
        rows = group.counter(ROWS);
        group.gauge(FRESHNESS, (Gauge<Long>)
                () -> newestWindowEnd == Long.MIN_VALUE ? -1L : System.currentTimeMillis() - newestWindowEnd);
    }

    /** A batch of {@code rowCount} rows written in one round trip that started at {@code startNanos}. */
    public void written(long startNanos, int rowCount) {
        latency.update((System.nanoTime() - startNanos) / 1_000);
        batches.inc();
        rows.inc(rowCount);
    }

    public void keptNewer() {
        keptNewer.inc();
    }

    /** A row of the window ending at {@code windowEnd} (epoch millis) is in Redis now. */
    public void served(long windowEnd) {
        delay.update(System.currentTimeMillis() - windowEnd);
        if (windowEnd > newestWindowEnd) {
            newestWindowEnd = windowEnd;
        }
    }
}
