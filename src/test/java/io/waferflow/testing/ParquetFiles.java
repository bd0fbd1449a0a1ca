package io.waferflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/** Reads committed Parquet files back with the plain parquet-avro reader, as any user's tool would. */
public final class ParquetFiles {

    private ParquetFiles() {}

    /** Committed part files below {@code dir} (in-progress files are hidden and skipped). */
    public static List<Path> committed(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's footer key-value metadata. */
    public static Map<String, String> footerMetadata(Path file) {
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return reader.getFooter().getFileMetaData().getKeyValueMetaData();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Writes {@code rows} of {@code schema} to a new Parquet file (its folders created), as any user's tool would. */
    public static void write(Path file, Schema schema, List<GenericRecord> rows) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
                            HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
                    .withSchema(schema)
                    .build()) {
                for (GenericRecord r : rows) {
                    w.write(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    public static List<GenericRecord> read(Path dir) {
        List<GenericRecord> rows = new ArrayList<>();
        for (Path file : committed(dir)) {
            try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
                    .withDataModel(GenericData.get())
                    .build()) {
                GenericRecord r;
                while ((r = reader.read()) != null) {
                    rows.add(r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + file, e);
            }
        }
        return rows;
    }

    /**
     * Every committed row under {@code dir} as column name → value (text as String), by
     * {@code <keyField>@<window_start>}; fails on a second row with the same key. An absent folder has no rows. Leaves
     * out {@code written_at}, the processing time of a row's write, which differs between runs of the same input
     * ({@link #read} has it).
     */
    public static Map<String, Map<String, Object>> rowsByWindow(Path dir, String keyField) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        for (GenericRecord r : read(dir)) {
            Map<String, Object> row = new TreeMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                if (f.name().equals("written_at")) {
                    continue;
                }
                Object v = r.get(f.name());
                row.put(f.name(), v instanceof CharSequence ? v.toString() : v);
            }
            String key = r.get(keyField) + "@" + r.get("window_start");
            if (out.put(key, row) != null) {
                throw new AssertionError("two rows for " + key + " under " + dir);
            }
        }
        return out;
    }
}
