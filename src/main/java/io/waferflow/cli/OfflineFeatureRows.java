package io.waferflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
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
        if (!Files.exists(input)) {
            throw new FeatureColumnsReader.BadInput("--input: no such file or directory: " + input);
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(input)) {
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
                throw new FeatureColumnsReader.BadInput("--input: directory " + input + " holds no .parquet files");
            }
        } else {
            files.add(input);
        }
        for (Path f : files) {
            readFile(f, features, each);
        }
    }

    private static void readFile(Path file, Collection<String> features, Consumer<Row> each) throws IOException {
        org.apache.hadoop.fs.Path path =
                new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
                .withConf(new Configuration())
                .build()) {
            Group g;
            while ((g = reader.read()) != null) {
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
                each.accept(new Row(
                        g.getString("wafer_id", 0),
                        g.getLong("window_start", 0),
                        g.getLong("window_end", 0),
                        g.getInteger("revision", 0),
                        values));
            }
        } catch (RuntimeException e) {
            throw new FeatureColumnsReader.BadInput("--input: " + file + " is not an offline feature file that can be"
                    + " read (" + e.getMessage() + ")");
        }
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
