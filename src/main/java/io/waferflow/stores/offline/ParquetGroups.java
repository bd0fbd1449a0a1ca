package io.waferflow.stores.offline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** Reads a local Parquet file of the offline store row by row, as Parquet's example {@link Group}s. */
public final class ParquetGroups {

    private ParquetGroups() {}

    /** Hands every row of {@code file} to {@code each}, in file order. */
    public static void each(Path file, Consumer<Group> each) throws IOException {
        org.apache.hadoop.fs.Path path =
                new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
                .withConf(new Configuration())
                .build()) {
            Group g;
            while ((g = reader.read()) != null) {
                each.accept(g);
            }
        }
    }
}
