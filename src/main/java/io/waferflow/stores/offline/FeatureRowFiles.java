package io.waferflow.stores.offline;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.FeatureColumns;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetInputFile;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * The committed feature rows of the configured group and version ({@link OfflineSinks#featuresPath} under
 * {@code offline.root}), read back as the job's records. Only committed part files: an in-progress file
 * ({@code .part-*}) is not final yet, or belongs to an attempt that died. Read through Flink's file systems, so any
 * root the job can write (a path, {@code file:}, {@code s3:}) can be read; each file with its own schema, which must
 * hold every column of the configured one.
 */
public final class FeatureRowFiles {

    private static final int LISTING_ATTEMPTS = 10;

    private final Path directory;
    private final FeatureRowAvro avro;

    public FeatureRowFiles(FeaturesJobConfig c) {
        this.directory = new Path(c.offlineRootUri() + "/" + OfflineSinks.featuresPath(c));
        this.avro = new FeatureRowAvro(
                new FeatureColumns(c.schema().parameterNames()), c.featureGroup(), c.featureVersion(), c.jobVersion());
    }

    public String directory() {
        return directory.toString();
    }

    /**
     * The committed part files, in path order (date partitions first to last).
     *
     * @throws ConfigException if the directory does not exist: no job or backfill wrote this group and version there
     */
    public List<Path> committed() throws IOException {
        return committedUnder(directory, "feature_group.version");
    }

    /**
     * The committed part files below a group and version's directory, in path order.
     *
     * @param key the option or key that named the group and version, for the error
     * @throws ConfigException if the directory does not exist
     */
    public static List<Path> committedUnder(Path directory, String key) throws IOException {
        FileSystem fs = directory.getFileSystem();
        if (!fs.exists(directory)) {
            throw new ConfigException(
                    key,
                    "no offline rows of this group and version: " + directory + " does not exist",
                    "check the group and version (a backfill or job writes <group>/version=<v>/) and offline.root");
        }
        List<Path> files = new ArrayList<>();
        walk(fs, directory, files);
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static void walk(FileSystem fs, Path dir, List<Path> found) throws IOException {
        FileStatus[] entries = list(fs, dir);
        if (entries == null) {
            return;
        }
        for (FileStatus e : entries) {
            String name = e.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue; // in-progress files, and the markers other tools leave (_SUCCESS)
            }
            if (e.isDir()) {
                walk(fs, e.getPath(), found);
            } else if (name.endsWith(".parquet")) {
                found.add(e.getPath());
            }
        }
    }

    /**
     * A directory's entries. Beside a running job a listing can name an in-progress file that its sink commits
     * (renames) before the file's status is read: then the directory is listed again.
     */
    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return fs.listStatus(dir);
            } catch (FileNotFoundException renamed) {
                if (attempt == LISTING_ATTEMPTS) {
                    throw renamed;
                }
            }
        }
    }

    /** Hands every row of one file to {@code rows}; the number of rows read. */
    public long read(Path file, Consumer<OfflineFeatureRow> rows) throws IOException {
        FileSystem fs = file.getFileSystem();
        long length = fs.getFileStatus(file).getLen();
        long n = 0;
        try (FSDataInputStream in = fs.open(file);
                ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                                new ParquetInputFile(in, length))
                        .withDataModel(GenericData.get())
                        .build()) {
            GenericRecord r;
            while ((r = reader.read()) != null) {
                if (n == 0) {
                    List<String> missing = avro.missingIn(r.getSchema());
                    if (!missing.isEmpty()) {
                        throw new ConfigException(
                                "schema.fields",
                                file + " lacks the columns " + missing + " of the configured feature group: it was"
                                        + " written with another input schema",
                                "pass the configuration of the job that wrote this version with --config");
                    }
                }
                rows.accept(avro.read(r));
                n++;
            }
        }
        return n;
    }
}
