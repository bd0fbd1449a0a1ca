package io.waferflow.ingest;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, emitted on every record that advances the watermark instead of on Flink's periodic timer.
 * Which records count as late then depends only on the input order, not on wall-clock timing: for replays that must be
 * reproducible to the record (tests, audits). Costs a watermark per advancing record, so production uses the periodic
 * generator.
 */
public final class PerRecordWatermarks<T> implements WatermarkGenerator<T> {

    private final long boundMillis;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    public PerRecordWatermarks(long boundMillis) {
        this.boundMillis = boundMillis;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
            long watermark = maxTimestamp - boundMillis - 1;
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // Everything is emitted in onEvent.
    }
}
