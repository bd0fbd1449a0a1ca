package io.waferflow.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects a stream's records into a named in-memory queue of the test JVM (MiniCluster jobs run in it), for tests
 * that check what an operator emitted without going through a store. Stateless, so it can join or leave a job
 * restored from a savepoint.
 */
public final class CollectSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String name;

    public CollectSink(String name) {
        this.name = name;
    }

    /** What sinks of this name collected so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> collected(String name) {
        return new ArrayList<>((Queue<T>) (Queue<?>) queue(name));
    }

    public static void clear(String name) {
        queue(name).clear();
    }

    private static Queue<Object> queue(String name) {
        return QUEUES.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return writer();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return writer();
    }

    private SinkWriter<T> writer() {
        Queue<Object> into = queue(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                into.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
