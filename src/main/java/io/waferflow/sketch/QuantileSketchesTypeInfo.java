package io.waferflow.sketch;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information for {@link QuantileSketches}, picked up through its {@code @TypeInfo} annotation. */
public final class QuantileSketchesTypeInfo extends TypeInformation<QuantileSketches> {

    private static final long serialVersionUID = 1L;

    public static final QuantileSketchesTypeInfo INSTANCE = new QuantileSketchesTypeInfo();

    /** Factory named by the annotation. */
    public static final class Factory extends TypeInfoFactory<QuantileSketches> {
        @Override
        public TypeInformation<QuantileSketches> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<QuantileSketches> getTypeClass() {
        return QuantileSketches.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<QuantileSketches> createSerializer(SerializerConfig config) {
        return QuantileSketchesSerializer.INSTANCE;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<QuantileSketches> createSerializer(ExecutionConfig config) {
        return QuantileSketchesSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "QuantileSketches";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof QuantileSketchesTypeInfo;
    }

    @Override
    public int hashCode() {
        return QuantileSketchesTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof QuantileSketchesTypeInfo;
    }
}
