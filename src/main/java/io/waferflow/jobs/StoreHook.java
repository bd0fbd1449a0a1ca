package io.waferflow.jobs;

import io.waferflow.model.StoreStatus;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A sink hook for an output that goes to a store which can be away (Redis): it writes the stream and hands back its
 * writers' reports on the store ({@link StoreStatus}), which the job turns into alerts; null when it has none (a test
 * sink, a discarding one).
 */
@FunctionalInterface
public interface StoreHook<T> {

    DataStream<StoreStatus> write(DataStream<T> stream);

    /** A plain hook: writes, reports nothing. */
    static <T> StoreHook<T> of(Consumer<DataStream<T>> sink) {
        return s -> {
            sink.accept(s);
            return null;
        };
    }

    /** This hook, then {@code more}, with both hooks' reports. */
    default StoreHook<T> andThen(StoreHook<T> more) {
        return s -> union(write(s), more.write(s));
    }

    /** Either stream, or both unioned; null if neither. */
    static DataStream<StoreStatus> union(DataStream<StoreStatus> a, DataStream<StoreStatus> b) {
        return a == null ? b : b == null ? a : a.union(b);
    }
}
