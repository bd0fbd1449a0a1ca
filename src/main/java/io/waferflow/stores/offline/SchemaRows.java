package io.waferflow.stores.offline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.model.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Fixed-shape records as rows of an Avro schema kept in {@code src/main/resources/avro/<table>.avsc}: each column takes
 * the record's public field of the same snake_case name ({@link RecordJson}, the names the topics use too), a required
 * column with no value its schema default. The schema file is the table's contract; no per-table converter.
 */
public final class SchemaRows<T> implements AvroRowConverter<T> {

    private static final long serialVersionUID = 1L;
    private static final JsonMapper FIELDS = RecordJson.mapper().build();
    private static final TypeReference<Map<String, Object>> BY_NAME = new TypeReference<>() {};

    private final String table;

    private SchemaRows(String table) {
        this.table = table;
    }

    /** The rows of {@code avro/<table>.avsc}. */
    public static <T> SchemaRows<T> of(String table) {
        return new SchemaRows<>(table);
    }

    public Schema schema() {
        try (InputStream in = SchemaRows.class.getResourceAsStream("/avro/" + table + ".avsc")) {
            if (in == null) {
                throw new IllegalStateException("no Avro schema avro/" + table + ".avsc on the class path");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading avro/" + table + ".avsc", e);
        }
    }

    @Override
    public GenericRecord convert(T element, Schema schema) {
        Map<String, Object> fields = FIELDS.convertValue(element, BY_NAME);
        GenericRecord row = new GenericData.Record(schema);
        for (Schema.Field column : schema.getFields()) {
            if (!fields.containsKey(column.name())) {
                throw new IllegalStateException(element.getClass().getSimpleName() + " has no field for column '"
                        + column.name() + "' of avro/" + table + ".avsc");
            }
            Object value = fields.get(column.name());
            if (value == null && !column.schema().isNullable() && column.hasDefaultValue()) {
                value = column.defaultVal();
            }
            row.put(column.pos(), value instanceof Number n ? number(n, column.schema()) : value);
        }
        return row;
    }

    /** JSON numbers come back as the smallest type that holds them; Avro wants the column's own. */
    private static Object number(Number n, Schema column) {
        Schema type = column.isUnion() ? column.getTypes().get(column.getTypes().size() - 1) : column;
        return switch (type.getType()) {
            case LONG -> n.longValue();
            case INT -> n.intValue();
            case FLOAT -> n.floatValue();
            case DOUBLE -> n.doubleValue();
            default -> n;
        };
    }
}
