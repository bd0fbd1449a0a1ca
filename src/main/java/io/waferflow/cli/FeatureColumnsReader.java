package io.waferflow.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a data file as one array of values per numeric column, for the offline {@code drift} and {@code baseline}
 * commands. The format follows the name: {@code .jsonl}/{@code .json} (one JSON object per line, or a JSON array of
 * objects), {@code .csv} (a header row, one column per feature), {@code .parquet}, or a directory (every
 * {@code *.parquet} below it, e.g. the raw archive; hidden in-progress files are skipped).
 *
 * <p>A column is numeric when every present value is a number; absent values, nulls, empty CSV cells and NaN/NA are
 * missing and left out. Rows are not kept: a distribution needs each column's values, not their pairing. Parquet
 * timestamps, dates and strings are not numeric.
 */
public final class FeatureColumnsReader {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private FeatureColumnsReader() {}

    /**
     * Reads the columns of {@code input}.
     *
     * @param option the command-line option that named the file, for error messages
     * @param wanted the columns to read; empty reads all
     */
    public static Columns read(String option, Path input, Set<String> wanted) throws IOException {
        if (!Files.exists(input)) {
            throw new BadInput(option + ": no such file or directory: " + input);
        }
        Columns columns = new Columns(option, input, wanted);
        if (Files.isDirectory(input)) {
            List<Path> files = parquetFilesUnder(input);
            if (files.isEmpty()) {
                throw new BadInput(option + ": directory " + input + " holds no .parquet files");
            }
            for (Path f : files) {
                readParquet(f, columns);
            }
            return columns;
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            readJson(input, columns);
        } else if (name.endsWith(".csv")) {
            readCsv(input, columns);
        } else if (name.endsWith(".parquet")) {
            readParquet(input, columns);
        } else {
            throw new BadInput(option + ": cannot tell the format of " + input
                    + " from its name; use .jsonl/.json (JSON lines), .csv or .parquet");
        }
        return columns;
    }

    private static List<Path> parquetFilesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_");
                    })
                    .sorted()
                    .toList();
        }
    }

    private static void readJson(Path file, Columns columns) throws IOException {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            boolean array = t == JsonToken.START_ARRAY;
            if (array) {
                t = p.nextToken();
            }
            while (t != null && t != JsonToken.END_ARRAY) {
                long line = p.currentTokenLocation().getLineNr();
                if (t != JsonToken.START_OBJECT) {
                    throw new BadInput(where(columns, line) + ": expected a JSON object, found " + p.getText());
                }
                columns.rows++;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    Column c = columns.column(name);
                    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        if (c != null) {
                            c.notNumeric(v == JsonToken.START_OBJECT ? "an object" : "an array", line);
                        }
                    } else if (c == null || v == JsonToken.VALUE_NULL) {
                        continue;
                    } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        c.add(p.getDoubleValue(), line);
                    } else {
                        c.notNumeric(v == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText(), line);
                    }
                }
                t = p.nextToken();
            }
        } catch (JsonProcessingException e) {
            throw new BadInput(where(
                            columns,
                            e.getLocation() == null ? -1 : e.getLocation().getLineNr()) + ": not valid JSON: "
                    + e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*", ""));
        }
    }

    private static void readCsv(Path file, Columns columns) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw new BadInput(columns.option + ": " + file + " is empty (a CSV file needs a header row)");
            }
            if (headerLine.startsWith("\uFEFF")) {
                headerLine = headerLine.substring(1);
            }
            List<String> header = splitCsv(headerLine, columns, 1);
            Column[] byIndex = new Column[header.size()];
            for (int i = 0; i < header.size(); i++) {
                byIndex[i] = columns.column(header.get(i).trim());
            }
            String line;
            long lineNr = 1;
            while ((line = in.readLine()) != null) {
                lineNr++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = splitCsv(line, columns, lineNr);
                if (cells.size() != header.size()) {
                    throw new BadInput(
                            where(columns, lineNr) + ": " + cells.size() + " fields, the header has " + header.size());
                }
                columns.rows++;
                for (int i = 0; i < byIndex.length; i++) {
                    Column c = byIndex[i];
                    String cell = cells.get(i).trim();
                    if (c == null || isMissing(cell)) {
                        continue;
                    }
                    try {
                        c.add(Double.parseDouble(cell), lineNr);
                    } catch (NumberFormatException e) {
                        c.notNumeric("\"" + cell + "\"", lineNr);
                    }
                }
            }
        }
    }

    private static boolean isMissing(String cell) {
        return cell.isEmpty()
                || cell.equalsIgnoreCase("nan")
                || cell.equalsIgnoreCase("na")
                || cell.equalsIgnoreCase("null");
    }

    /** One CSV record (RFC 4180 quoting within a line: "a,b" and "say ""hi""" are single fields). */
    private static List<String> splitCsv(String line, Columns columns, long lineNr) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new BadInput(where(columns, lineNr) + ": unterminated quote (fields may not span lines)");
        }
        cells.add(cell.toString());
        return cells;
    }

    private static void readParquet(Path file, Columns columns) throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path path =
                new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
        MessageType schema;
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
            schema = footer.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw new BadInput(columns.option + ": " + file + " is not a readable Parquet file: " + e.getMessage());
        }
        List<Type> selected = new ArrayList<>();
        for (Type field : schema.getFields()) {
            Column c = columns.column(field.getName());
            if (c == null) {
                continue;
            }
            String notNumeric = notNumericReason(field);
            if (notNumeric != null) {
                c.notNumeric(notNumeric, -1);
            } else {
                selected.add(field);
            }
        }
        if (selected.isEmpty()) {
            return;
        }
        // Read only the numeric columns asked for: Parquet then skips every other column chunk.
        MessageType projection = new MessageType(schema.getName(), selected);
        conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
        Column[] byIndex = new Column[selected.size()];
        PrimitiveType.PrimitiveTypeName[] types = new PrimitiveType.PrimitiveTypeName[selected.size()];
        for (int i = 0; i < selected.size(); i++) {
            byIndex[i] = columns.column(selected.get(i).getName());
            types[i] = selected.get(i).asPrimitiveType().getPrimitiveTypeName();
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
                .withConf(conf)
                .build()) {
            Group g;
            while ((g = reader.read()) != null) {
                columns.rows++;
                for (int i = 0; i < byIndex.length; i++) {
                    if (g.getFieldRepetitionCount(i) == 0) {
                        continue;
                    }
                    double v = switch (types[i]) {
                        case INT32 -> g.getInteger(i, 0);
                        case INT64 -> g.getLong(i, 0);
                        case FLOAT -> g.getFloat(i, 0);
                        default -> g.getDouble(i, 0);
                    };
                    byIndex[i].add(v, -1);
                }
            }
        } catch (RuntimeException e) {
            throw new BadInput(columns.option + ": reading " + file + " failed: " + e);
        }
    }

    /** Null when a Parquet field holds plain numbers; otherwise what it holds instead. */
    private static String notNumericReason(Type field) {
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
            return "a nested or repeated Parquet field";
        }
        PrimitiveType p = field.asPrimitiveType();
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        boolean plainNumber = switch (p.getPrimitiveTypeName()) {
            case INT32, INT64, FLOAT, DOUBLE -> true;
            default -> false;
        };
        if (plainNumber && (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
            return null;
        }
        return "Parquet type " + p.getPrimitiveTypeName().name().toLowerCase(Locale.ROOT)
                + (logical == null ? "" : " " + logical);
    }

    private static String where(Columns columns, long line) {
        return columns.option + ": " + columns.source + (line > 0 ? " line " + line : "");
    }

    /** The numeric columns of one input, and why any other column asked for is not one. */
    public static final class Columns {

        private final String option;
        private final Path source;
        private final Set<String> wanted;
        private final Map<String, Column> columns = new LinkedHashMap<>();
        /** Every column name seen, wanted or not, for error messages. */
        private final Set<String> allNames = new LinkedHashSet<>();

        private long rows;

        private Columns(String option, Path source, Set<String> wanted) {
            this.option = option;
            this.source = source;
            this.wanted = Set.copyOf(wanted);
        }

        private Column column(String name) {
            allNames.add(name);
            if (!wanted.isEmpty() && !wanted.contains(name)) {
                return null;
            }
            return columns.computeIfAbsent(name, Column::new);
        }

        public Path source() {
            return source;
        }

        /** Records (JSON objects, CSV rows, Parquet rows) read. */
        public long rows() {
            return rows;
        }

        /** Numeric columns with at least one value, in the order they first appeared. */
        public List<String> numericNames() {
            return columns.values().stream()
                    .filter(c -> c.notNumeric == null && c.size > 0)
                    .map(c -> c.name)
                    .toList();
        }

        /** Columns that are present but hold no value at all (every cell missing). */
        public List<String> emptyNames() {
            return columns.values().stream()
                    .filter(c -> c.notNumeric == null && c.size == 0)
                    .map(c -> c.name)
                    .toList();
        }

        /** The values of a numeric column (missing ones left out); fails with the reason when there are none. */
        public double[] values(String feature) {
            Column c = columns.get(feature);
            if (c == null) {
                throw new BadInput(option + ": " + source + " has no column '" + feature + "' (columns: "
                        + (allNames.isEmpty() ? "none" : String.join(", ", allNames)) + ")");
            }
            if (c.notNumeric != null) {
                throw new BadInput(
                        option + ": column '" + feature + "' of " + source + " is not numeric: " + c.notNumeric);
            }
            if (c.size == 0) {
                throw new BadInput(option + ": column '" + feature + "' of " + source + " has no values (" + rows
                        + " records, every value missing)");
            }
            return Arrays.copyOf(c.values, c.size);
        }
    }

    private static final class Column {

        final String name;
        double[] values = new double[256];
        int size;
        String notNumeric;

        Column(String name) {
            this.name = name;
        }

        void add(double v, long line) {
            if (notNumeric != null || Double.isNaN(v)) {
                return;
            }
            if (Double.isInfinite(v)) {
                notNumeric("an infinite value", line);
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        void notNumeric(String value, long line) {
            if (notNumeric == null) {
                notNumeric = value + (line > 0 ? " at line " + line : "");
                values = new double[0];
                size = 0;
            }
        }
    }

    /** Input that cannot be used as asked; the message names the option, the file and the fix. */
    public static final class BadInput extends RuntimeException {

        public BadInput(String message) {
            super(message);
        }
    }
}
