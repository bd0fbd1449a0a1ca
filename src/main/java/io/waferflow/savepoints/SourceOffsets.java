package io.waferflow.savepoints;

import io.waferflow.jobs.Uids;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Removes the Kafka source's state (its partitions and offsets) from a savepoint, keeping every other operator's: a job
 * started from the copy reads from {@code kafka.starting_offsets} instead of offsets that belong to another time (a
 * bootstrap's cut) or another broker (a demo's, deleted when it exited). The copy holds its own files.
 */
public final class SourceOffsets {

    private SourceOffsets() {}

    public static void drop(String from, String to) throws Exception {
        StreamExecutionEnvironment batch = StreamExecutionEnvironment.getExecutionEnvironment();
        batch.setRuntimeMode(RuntimeExecutionMode.BATCH);
        batch.setParallelism(1);
        SavepointWriter.fromExistingSavepoint(batch, from, new HashMapStateBackend())
                .removeOperator(OperatorIdentifier.forUid(Uids.SOURCE))
                .write(to);
        batch.execute("waferflow savepoint: drop source offsets");
    }
}
