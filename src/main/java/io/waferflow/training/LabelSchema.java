package io.waferflow.training;

import io.waferflow.model.TrainingEvent;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The columns of a labels file: the entity column, the label-time column (epoch millis, or an ISO-8601 instant such as
 * {@code 2026-11-27T10:00:00Z}), and every other column, carried into the training set with a type taken from the first
 * {@value #SAMPLE_ROWS} rows (Parquet: from its schema's values). A later value of another type fails the job, naming
 * the line.
 */
public final class LabelSchema implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int SAMPLE_ROWS = 1000;

    private final String entityColumn;
    private final String timeColumn;
    private final List<LabelColumn> columns;

    public LabelSchema(String entityColumn, String timeColumn, List<LabelColumn> columns) {
        this.entityColumn = entityColumn;
        this.timeColumn = timeColumn;
        this.columns = List.copyOf(columns);
    }

    public String entityColumn() {
        return entityColumn;
    }

    public String timeColumn() {
        return timeColumn;
    }

    /** The label columns other than entity and time, in file order. */
    public List<LabelColumn> columns() {
        return columns;
    }

    /** The labels files of {@code path}: the file, or every non-hidden file below a directory. */
    public static List<Path> files(Path path) throws IOException {
        FileSystem fs = path.getFileSystem();
        if (!fs.exists(path)) {
            throw new IllegalArgumentException("--labels: no such file or directory: " + path);
        }
        List<Path> files = new ArrayList<>();
        collect(fs, fs.getFileStatus(path), files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--labels: " + path + " holds no files");
        }
        files.sort((a, b) -> a.toString().compareTo(b.toString()));
        return files;
    }

    private static void collect(FileSystem fs, FileStatus status, List<Path> files) throws IOException {
        String name = status.getPath().getName();
        if (name.startsWith(".") || name.startsWith("_")) {
            return;
        }
        if (!status.isDir()) {
            files.add(status.getPath());
            return;
        }
        for (FileStatus child : fs.listStatus(status.getPath())) {
            collect(fs, child, files);
        }
    }

    /** Reads the first rows of the first labels file to learn the columns and their types. */
    public static LabelSchema inspect(Path labels, String entityColumn, String timeColumn) throws IOException {
        Path first = files(labels).get(0);
        FileSystem fs = first.getFileSystem();
        Map<String, List<Object>> samples = new LinkedHashMap<>();
        long length = fs.getFileStatus(first).getLen();
        try (FSDataInputStream in = fs.open(first);
                LabelRows rows = LabelRows.open(first.getName(), in, length)) {
            Map<String, Object> row;
            for (int n = 0; n < SAMPLE_ROWS && (row = rows.next()) != null; n++) {
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    samples.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                }
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("--labels: " + first + " holds no label rows");
        }
        for (String required : List.of(entityColumn, timeColumn)) {
            if (!samples.containsKey(required)) {
                throw new IllegalArgumentException("--labels: " + first + " has no column '" + required
                        + "' (columns: " + String.join(", ", samples.keySet())
                        + "); name the entity and time columns with --entity-column and --time-column");
            }
        }
        List<LabelColumn> columns = new ArrayList<>();
        samples.forEach((name, values) -> {
            if (!name.equals(entityColumn) && !name.equals(timeColumn)) {
                columns.add(new LabelColumn(name, LabelColumn.infer(values)));
            }
        });
        return new LabelSchema(entityColumn, timeColumn, columns);
    }

    /** A row of the labels file as a label event; {@code where} names it in errors. */
    public TrainingEvent toEvent(Map<String, Object> row, String where) throws IOException {
        Object entity = row.get(entityColumn);
        if (entity == null || entity.toString().isEmpty()) {
            throw new IOException(where + ": no " + entityColumn + " (the entity id)");
        }
        long time = time(row.get(timeColumn), where);
        String[] values = new String[columns.size()];
        for (int i = 0; i < values.length; i++) {
            LabelColumn c = columns.get(i);
            try {
                values[i] = c.text(row.get(c.name()));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return TrainingEvent.label(entity.toString(), time, values);
    }

    private long time(Object v, String where) throws IOException {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v == null) {
            throw new IOException(where + ": no " + timeColumn + " (the label time)");
        }
        String s = v.toString().trim();
        try {
            if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(s);
            }
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
        } catch (RuntimeException e) {
            throw new IOException(where + ": " + timeColumn + " \"" + s
                    + "\" is neither epoch milliseconds nor an ISO-8601 instant (2026-11-27T10:00:00Z)");
        }
    }
}
