package io.waferflow.sketch;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Writes {@link QuantileSketches} as a count followed by each sketch's compact DataSketches bytes. The format is
 * DataSketches' own, stable across its releases, so state survives library upgrades.
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
        KllDoublesSketch[] copy = new KllDoublesSketch[from.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = KllDoublesSketch.heapify(Memory.wrap(from.sketch(i).toByteArray()));
        }
        return new QuantileSketches(copy);
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
        target.writeInt(record.size());
        for (int i = 0; i < record.size(); i++) {
            byte[] bytes = record.sketch(i).toByteArray();
            target.writeInt(bytes.length);
            target.write(bytes);
        }
    }

    @Override
    public QuantileSketches deserialize(DataInputView source) throws IOException {
        int n = source.readInt();
        KllDoublesSketch[] sketches = new KllDoublesSketch[n];
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[source.readInt()];
            source.readFully(bytes);
            sketches[i] = KllDoublesSketch.heapify(Memory.wrap(bytes));
        }
        return new QuantileSketches(sketches);
    }

    @Override
    public QuantileSketches deserialize(QuantileSketches reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        for (int i = 0; i < n; i++) {
            int len = source.readInt();
            target.writeInt(len);
            target.write(source, len);
        }
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
