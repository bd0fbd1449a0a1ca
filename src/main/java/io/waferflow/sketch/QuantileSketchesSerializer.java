package io.waferflow.sketch;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes {@link QuantileSketches} as a count followed by each parameter's sketch in DataSketches' compact bytes (stable
 * across its releases, so state survives library upgrades) or its exact values; see {@link QuantileSketches#write}.
 * State written before exact values existed reads unchanged.
 */
public final class QuantileSketchesSerializer extends TypeSerializerSingleton<QuantileSketches> {

    private static final long serialVersionUID = 1L;

    public static final QuantileSketchesSerializer INSTANCE = new QuantileSketchesSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public QuantileSketches createInstance() {
        return QuantileSketches.create(0, QuantileSketches.DEFAULT_K);
    }

    @Override
    public QuantileSketches copy(QuantileSketches from) {
        return from.copy();
    }

    @Override
    public QuantileSketches copy(QuantileSketches from, QuantileSketches reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(QuantileSketches record, DataOutputView target) throws IOException {
        record.write(target);
    }

    @Override
    public QuantileSketches deserialize(DataInputView source) throws IOException {
        return QuantileSketches.read(source);
    }

    @Override
    public QuantileSketches deserialize(QuantileSketches reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        QuantileSketches.copy(source, target);
    }

    @Override
    public TypeSerializerSnapshot<QuantileSketches> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot for savepoint compatibility. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<QuantileSketches> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
