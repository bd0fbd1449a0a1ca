package io.waferflow.stores.online;

import io.waferflow.model.StoreStatus;
import java.time.Duration;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;

/**
 * Runs an {@link OnlineStoreWriter}, and at the end of a bounded input (or a drain) writes every row still waiting for
 * Redis, since processing-time timers no longer fire then.
 */
public class OnlineStoreWriterOperator extends KeyedProcessOperator<String, RedisHashWrite, StoreStatus>
        implements BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** How long the end of the input waits for an absent Redis before failing the job (which keeps the rows). */
    static final Duration PATIENCE_AT_END = Duration.ofMinutes(2);

    private final OnlineStoreWriter writer;

    public OnlineStoreWriterOperator(OnlineStoreWriter writer) {
        super(writer);
        this.writer = writer;
    }

    @Override
    public void endInput() throws Exception {
        TimestampedCollector<StoreStatus> out = new TimestampedCollector<>(output);
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        OnlineStoreWriter.pendingDescriptor(),
                        (key, state) -> {
                            RedisHashWrite w = state.value();
                            if (w != null) {
                                writer.writeBeforeEnd(w, PATIENCE_AT_END, out);
                                state.clear();
                            }
                        });
    }
}
