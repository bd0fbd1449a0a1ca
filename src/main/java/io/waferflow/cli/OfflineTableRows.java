package io.waferflow.cli;

import io.waferflow.stores.offline.ParquetGroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the committed rows of an offline table (feature rows, the raw archive, violations, quality events, drift
 * metrics) one Parquet row at a time: the one path through which the offline commands read Parquet rows.
 * {@link OfflineFeatureRows} keeps a feature row's entity, window and values; {@link #read} hands over every column.
 */
final class OfflineTableRows {

    private OfflineTableRows() {}

    /**
     * {@code input} itself when it is a file, else every {@code *.parquet} file below it in path order (date partitions
     * first to last); hidden in-progress files ({@code .part-*}) and markers ({@code _SUCCESS}) are skipped.
     *
     * @param option the option that named {@code input}, for the error
     */
    static List<Path> files(String option, Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new FeatureColumnsReader.BadInput(option + ": no such file or directory: " + input);
        }
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(input)) {
            all.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_");
                    })
                    .sorted()
                    .forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new FeatureColumnsReader.BadInput(option + ": directory " + input + " holds no .parquet files");
        }
        return files;
    }

    /**
     * Hands every row of one file to {@code each}, as Parquet's example {@link Group}s.
     *
     * @param what what the file should be ("an offline feature file"), for the error when it cannot be read
     */
    static void groups(String option, Path file, String what, Consumer<Group> each) throws IOException {
        try {
            ParquetGroups.each(file, each);
        } catch (RuntimeException e) {
            throw new FeatureColumnsReader.BadInput(
                    option + ": " + file + " is not " + what + " that can be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Hands every row of {@code input} (a file, or every file below a directory) to {@code each} as column name to
     * value: strings as {@link String}, 32-bit integers as {@link Integer}, 64-bit ones and timestamps (epoch millis)
     * as {@link Long}, floats and doubles as {@link Double}, booleans as {@link Boolean}; a null value is absent. The
     * names are the tables' own, snake_case, as {@code io.waferflow.model.RecordJson} maps them.
     */
    static void read(String option, Path input, String what, Consumer<Map<String, Object>> each) throws IOException {
        for (Path f : files(option, input)) {
            groups(option, f, what, g -> each.accept(values(g)));
        }
    }

    private static Map<String, Object> values(Group g) {
        GroupType schema = g.getType();
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < schema.getFieldCount(); i++) {
            Type field = schema.getType(i);
            if (field.isPrimitive() && g.getFieldRepetitionCount(i) > 0) {
                row.put(field.getName(), value(g, i, field.asPrimitiveType()));
            }
        }
        return row;
    }

    private static Object value(Group g, int i, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case INT32 -> g.getInteger(i, 0);
            case INT64 -> g.getLong(i, 0);
            case FLOAT -> (double) g.getFloat(i, 0);
            case DOUBLE -> g.getDouble(i, 0);
            case BOOLEAN -> g.getBoolean(i, 0);
            case BINARY, FIXED_LEN_BYTE_ARRAY ->
                type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        ? g.getString(i, 0)
                        : g.getBinary(i, 0).toStringUsingUTF8();
            default -> g.getValueToString(i, 0);
        };
    }
}
