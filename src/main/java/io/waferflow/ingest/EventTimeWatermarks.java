package io.waferflow.ingest;

import io.waferflow.config.FeaturesJobConfig;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermark strategy of every WaferFlow source: bounded out-of-orderness, per record when
 * {@code feature_group.watermark.emit} says so ({@link PerRecordWatermarks}, reproducible replays) else Flink's
 * periodic generator, and the configured idleness so a quiet partition does not hold event time back.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    public static <T> WatermarkStrategy<T> of(
            FeaturesJobConfig c, Duration outOfOrderness, SerializableTimestampAssigner<T> eventTime) {
        long bound = outOfOrderness.toMillis();
        WatermarkStrategy<T> strategy = c.perRecordWatermarks()
                ? WatermarkStrategy.forGenerator(ctx -> new PerRecordWatermarks<>(bound))
                : WatermarkStrategy.forBoundedOutOfOrderness(outOfOrderness);
        return strategy.withTimestampAssigner(eventTime).withIdleness(c.idleness());
    }
}
