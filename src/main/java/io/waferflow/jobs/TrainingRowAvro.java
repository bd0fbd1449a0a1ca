package io.waferflow.jobs;

import io.waferflow.derived.DerivedFeatures;
import io.waferflow.stores.offline.AvroRowConverter;
import io.waferflow.training.FeatureInput;
import io.waferflow.training.LabelColumn;
import io.waferflow.training.LabelSchema;
import io.waferflow.training.TrainingRow;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A training-set row as written to Parquet: entity, label time, the label columns, then per input its status, the
 * window end of the row joined and the requested features, then the derived features. Derived features are computed
 * here, from the joined row of their input, by {@link DerivedFeatures#evaluateRow}: the code the server answers with. A
 * derived feature of an input whose status is not ok is null, like its stored features.
 */
public final class TrainingRowAvro implements AvroRowConverter<TrainingRow> {

    private static final long serialVersionUID = 1L;

    private final LabelSchema labels;
    private final List<FeatureInput> inputs;
    /** The input the derived features are computed from, or -1 when none is asked for. */
    private final int derivedInput;

    private final DerivedFeatures derived;
    private final List<String> derivedNames;

    public TrainingRowAvro(
            LabelSchema labels,
            List<FeatureInput> inputs,
            int derivedInput,
            DerivedFeatures derived,
            List<String> derivedNames) {
        this.labels = labels;
        this.inputs = List.copyOf(inputs);
        this.derivedInput = derivedInput;
        this.derived = derived;
        this.derivedNames = List.copyOf(derivedNames);
    }

    /** The derived feature columns, named like the input's features. */
    public List<String> derivedColumns() {
        return derivedNames.stream()
                .map(n -> inputs.get(derivedInput).column(n))
                .toList();
    }

    /**
     * The output schema.
     *
     * @throws IllegalArgumentException when two columns would have the same name (a label column named like a feature
     *     column)
     */
    public Schema schema() {
        Set<String> names = new LinkedHashSet<>();
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("training_set")
                .namespace("io.waferflow.training")
                .fields();
        f = f.name(unique(names, labels.entityColumn())).type().stringType().noDefault();
        f = f.name(unique(names, labels.timeColumn())).type(timestampMillis()).noDefault();
        for (LabelColumn c : labels.columns()) {
            Schema type = Schema.create(
                    switch (c.type()) {
                        case LONG -> Schema.Type.LONG;
                        case DOUBLE -> Schema.Type.DOUBLE;
                        case BOOLEAN -> Schema.Type.BOOLEAN;
                        case STRING -> Schema.Type.STRING;
                    });
            f = f.name(unique(names, c.name())).type(nullable(type)).withDefault(null);
        }
        Schema nullableDouble = nullable(Schema.create(Schema.Type.DOUBLE));
        for (FeatureInput in : inputs) {
            f = f.name(unique(names, in.statusColumn())).type().stringType().noDefault();
            f = f.name(unique(names, in.windowEndColumn()))
                    .type(nullable(timestampMillis()))
                    .withDefault(null);
            for (String feature : in.requested()) {
                f = f.name(unique(names, in.column(feature)))
                        .type(nullableDouble)
                        .withDefault(null);
            }
        }
        for (String column : derivedColumns()) {
            f = f.name(unique(names, column)).type(nullableDouble).withDefault(null);
        }
        return f.endRecord();
    }

    private static String unique(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("two training-set columns would be named '" + name
                    + "': rename the label column (feature columns are <group>__<version>__<feature>)");
        }
        return name;
    }

    private static Schema timestampMillis() {
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }

    private static Schema nullable(Schema s) {
        return SchemaBuilder.unionOf().nullType().and().type(s).endUnion();
    }

    @Override
    public GenericRecord convert(TrainingRow row, Schema schema) {
        GenericRecord r = new GenericData.Record(schema);
        r.put(labels.entityColumn(), row.entity);
        r.put(labels.timeColumn(), row.labelTime);
        for (int i = 0; i < labels.columns().size(); i++) {
            LabelColumn c = labels.columns().get(i);
            r.put(c.name(), c.parse(row.labels[i]));
        }
        for (int i = 0; i < inputs.size(); i++) {
            FeatureInput in = inputs.get(i);
            r.put(in.statusColumn(), row.status(i).spelling());
            r.put(in.windowEndColumn(), row.windowEnds[i] == TrainingRow.NO_WINDOW ? null : row.windowEnds[i]);
            double[] values = row.values[i];
            for (int c = 0; c < in.requested().size(); c++) {
                // requested features come first among the columns read
                r.put(in.column(in.requested().get(c)), values == null ? null : nullIfNaN(values[c]));
            }
        }
        if (derivedInput >= 0) {
            FeatureInput in = inputs.get(derivedInput);
            double[] values = row.values[derivedInput];
            Map<String, Double> result = values == null ? Map.of() : derived.evaluateRow(stored(in, values));
            for (String name : derivedNames) {
                r.put(in.column(name), result.get(name));
            }
        }
        return r;
    }

    private static Map<String, Double> stored(FeatureInput in, double[] values) {
        Map<String, Double> stored = new HashMap<>();
        for (int c = 0; c < in.read().size(); c++) {
            stored.put(in.read().get(c), values[c]);
        }
        return stored;
    }

    private static Double nullIfNaN(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
