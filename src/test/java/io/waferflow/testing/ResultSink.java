package io.waferflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.SerializedListAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/**
 * A test's hook for one output of a job, whose records come back with the job's result: each sink subtask adds them to
 * an accumulator (flink-training's {@code TestSink} pattern; serialized with the stream's own serializer, as Flink's
 * collect sink does, so records need not be {@code java.io.Serializable}). Nothing static: a job's result holds what
 * that job collected, and nothing else. Stateless, so it can join or leave a job restored from a savepoint.
 *
 * <p>Only the last execution attempt's records come back (Flink drops a failed attempt's accumulators): a test of a job
 * that restarts reads an exactly-once store instead.
 */
public final class ResultSink<T> implements Consumer<DataStream<T>> {

    private final String name;
    private TypeSerializer<T> serializer;

    /** {@code name} is the accumulator's; the sink's uid is {@code collect-<name>}. */
    public ResultSink(String name) {
        this.name = name;
    }

    @Override
    @SuppressWarnings("deprecation") // a Sink V2 writer's context has no accumulators
    public void accept(DataStream<T> stream) {
        serializer =
                stream.getType().createSerializer(stream.getExecutionConfig().getSerializerConfig());
        stream.addSink(writer(name, serializer)).uid("collect-" + name).name("Collect " + name);
    }

    /** What the job that gave {@code result} collected here: each subtask's records in the order they arrived. */
    public List<T> from(JobExecutionResult result) throws Exception {
        ArrayList<byte[]> serialized = result.getAccumulatorResult(name);
        if (serializer == null || serialized == null) {
            throw new IllegalStateException("no sink '" + name + "' ran in job " + result.getJobID());
        }
        return SerializedListAccumulator.deserializeList(serialized, serializer);
    }

    @SuppressWarnings("deprecation")
    private static <T> RichSinkFunction<T> writer(String accumulator, TypeSerializer<T> serializer) {
        return new RichSinkFunction<>() {
            private transient SerializedListAccumulator<T> collected;

            @Override
            public void open(OpenContext context) {
                collected = new SerializedListAccumulator<>();
                getRuntimeContext().addAccumulator(accumulator, collected);
            }

            @Override
            public void invoke(T value, Context context) throws Exception {
                collected.add(value, serializer);
            }
        };
    }
}
