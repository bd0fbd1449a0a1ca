package io.waferflow.stores.offline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Puts each record under {@code <prefix>date=YYYY-MM-DD} by its own event time (UTC), never by processing time, so a
 * replay or backfill writes history into the same partitions the live job did.
 */
public final class EventDateBuckets<T> implements BucketAssigner<T, String> {

    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final SerializableFunction<T, Long> eventTime;

    /** @param prefix path below the sink root, ending in '/' or empty */
    public EventDateBuckets(String prefix, SerializableFunction<T, Long> eventTime) {
        this.prefix = prefix;
        this.eventTime = eventTime;
    }

    public static String dateOf(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC)
                .toString();
    }

    @Override
    public String getBucketId(T element, Context context) {
        return prefix + "date=" + dateOf(eventTime.apply(element));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
