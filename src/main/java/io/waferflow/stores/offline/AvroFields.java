package io.waferflow.stores.offline;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/** Avro field types shared by the offline schemas. */
final class AvroFields {

    private AvroFields() {}

    static Schema timestampMillis() {
        return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }

    static Schema nullable(Schema s) {
        return SchemaBuilder.unionOf().nullType().and().type(s).endUnion();
    }

    static Schema nullableDouble() {
        return nullable(Schema.create(Schema.Type.DOUBLE));
    }

    /** Avro has no NaN-as-null: a feature with no value is written as null. */
    static Object nullIfNaN(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
