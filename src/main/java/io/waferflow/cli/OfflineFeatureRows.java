package io.waferflow.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the offline store's feature rows (Parquet, as the {@code features} job and the backfill write them) one row at
 * a time: the entity and window ({@code wafer_id}, {@code window_start}, {@code window_end} in epoch millis,
 * {@code revision}) and the numeric feature columns asked for, a null or absent value being absent from the map. Unlike
 * {@link FeatureColumnsReader}, which keeps columns for distributions, this keeps each row's values together, as
 * derived features need.
 */
final class OfflineFeatureRows {

    /** One offline row. {@code features} holds only the present, non-null values. */
    record Row(String waferId, long windowStart, long windowEnd, int revision, Map<String, Double> features) {}

    private OfflineFeatureRows() {}

    /**
     * Reads {@code input}: a {@code .parquet} file, or a directory with every {@code *.parquet} file below it (a
     * version's directory, a date partition); hidden in-progress files are skipped.
     */
    static void read(Path input, Collection<String> features, Consumer<Row> each) throws IOException {
        read("--input", input, features, each);
    }

    /** The same, naming {@code option} in errors. */
    static void read(String option, Path input, Collection<String> features, Consumer<Row> each) throws IOException {
        for (Path f : OfflineTableRows.files(option, input)) {
            OfflineTableRows.groups(option, f, "an offline feature file", g -> each.accept(row(g, features)));
        }
    }

    private static Row row(Group g, Collection<String> features) {
        GroupType schema = g.getType();
        Map<String, Double> values = new HashMap<>();
        for (String name : features) {
            if (schema.containsField(name)) {
                int i = schema.getFieldIndex(name);
                if (g.getFieldRepetitionCount(i) > 0) {
                    values.put(name, number(g, i, schema.getType(i)));
                }
            }
        }
        return new Row(
                g.getString("wafer_id", 0),
                g.getLong("window_start", 0),
                g.getLong("window_end", 0),
                g.getInteger("revision", 0),
                values);
    }

    private static double number(Group g, int i, Type type) {
        PrimitiveType.PrimitiveTypeName t = type.asPrimitiveType().getPrimitiveTypeName();
        return switch (t) {
            case INT32 -> g.getInteger(i, 0);
            case INT64 -> g.getLong(i, 0);
            case FLOAT -> g.getFloat(i, 0);
            default -> g.getDouble(i, 0);
        };
    }
}
