package io.waferflow.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.parquet.ParquetInputFile;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads a labels file row by row, as column name → value, whatever its format (told by the name): CSV with a header row
 * ({@code .csv}, values as text), JSON lines ({@code .jsonl}, {@code .ndjson}, {@code .json}: one object per line;
 * numbers, strings, booleans) or Parquet ({@code .parquet}, values as typed).
 */
public interface LabelRows extends Closeable {

    /** The next row, null at the end. */
    Map<String, Object> next() throws IOException;

    /** Where the last row came from, for messages: {@code file line 12}. */
    String where();

    /** The format of a labels file by its name. */
    enum Format {
        CSV,
        JSON_LINES,
        PARQUET;

        public static Format of(String fileName) {
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".csv")) {
                return CSV;
            }
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
                return JSON_LINES;
            }
            if (n.endsWith(".parquet")) {
                return PARQUET;
            }
            throw new IllegalArgumentException("cannot tell the format of labels file " + fileName
                    + " from its name; use .csv (header row), .jsonl (JSON lines) or .parquet");
        }
    }

    static LabelRows open(String name, FSDataInputStream in, long length) throws IOException {
        return switch (Format.of(name)) {
            case CSV -> new Csv(name, in);
            case JSON_LINES -> new JsonLines(name, in);
            case PARQUET -> new Parquet(name, in, length);
        };
    }

    /** A text format of one record per line: skips blank lines, counts lines for messages. */
    abstract class TextLines implements LabelRows {
        private final String name;
        private final BufferedReader in;
        private long line;

        TextLines(String name, InputStream in) {
            this.name = name;
            this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        }

        /** The next line that is not blank, null at the end. */
        final String nextLine() throws IOException {
            String l;
            do {
                l = in.readLine();
                line++;
                if (l == null) {
                    return null;
                }
            } while (l.isBlank());
            return l;
        }

        @Override
        public final String where() {
            return name + " line " + line;
        }

        @Override
        public final void close() throws IOException {
            in.close();
        }
    }

    /** CSV, RFC 4180 quoting within a line. */
    final class Csv extends TextLines {
        private final List<String> header;

        Csv(String name, InputStream in) throws IOException {
            super(name, in);
            String h = nextLine();
            if (h == null) {
                throw new IOException(name + " is empty (a CSV labels file needs a header row)");
            }
            if (h.startsWith("\uFEFF")) {
                h = h.substring(1);
            }
            this.header = split(h).stream().map(String::trim).toList();
        }

        @Override
        public Map<String, Object> next() throws IOException {
            String l = nextLine();
            if (l == null) {
                return null;
            }
            List<String> cells = split(l);
            if (cells.size() != header.size()) {
                throw new IOException(where() + ": " + cells.size() + " fields, the header has " + header.size());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < cells.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            return row;
        }

        private List<String> split(String l) throws IOException {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < l.length(); i++) {
                char ch = l.charAt(i);
                if (quoted && ch == '"' && i + 1 < l.length() && l.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (ch == ',' && !quoted) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(ch);
                }
            }
            if (quoted) {
                throw new IOException(where() + ": unterminated quote (fields may not span lines)");
            }
            cells.add(cell.toString());
            return cells;
        }
    }

    /** One JSON object per line. */
    final class JsonLines extends TextLines {
        private static final ObjectMapper JSON = new ObjectMapper();

        JsonLines(String name, InputStream in) {
            super(name, in);
        }

        @Override
        public Map<String, Object> next() throws IOException {
            String l = nextLine();
            if (l == null) {
                return null;
            }
            JsonNode node;
            try {
                node = JSON.readTree(l);
            } catch (IOException e) {
                throw new IOException(
                        where() + ": not valid JSON: " + e.getMessage().split("\n")[0]);
            }
            if (!node.isObject()) {
                throw new IOException(where() + ": expected a JSON object per line");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                Object value;
                if (v.isNull()) {
                    value = null;
                } else if (v.isIntegralNumber()) {
                    value = v.longValue();
                } else if (v.isNumber()) {
                    value = v.doubleValue();
                } else if (v.isBoolean()) {
                    value = v.booleanValue();
                } else if (v.isTextual()) {
                    value = v.textValue();
                } else {
                    throw new IOException(where() + ": field '" + f.getKey() + "' is an object or array");
                }
                row.put(f.getKey(), value);
            }
            return row;
        }
    }

    /** Parquet, read with each file's own schema. */
    final class Parquet implements LabelRows {
        private final String name;
        private final ParquetReader<GenericRecord> reader;
        private long row;

        Parquet(String name, FSDataInputStream in, long length) throws IOException {
            this.name = name;
            this.reader = AvroParquetReader.<GenericRecord>builder(new ParquetInputFile(in, length))
                    .withDataModel(GenericData.get())
                    .build();
        }

        @Override
        public Map<String, Object> next() throws IOException {
            GenericRecord r = reader.read();
            if (r == null) {
                return null;
            }
            row++;
            Map<String, Object> values = new LinkedHashMap<>();
            for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
                Object v = r.get(f.pos());
                values.put(f.name(), v instanceof Utf8 || v instanceof GenericData.EnumSymbol ? v.toString() : v);
            }
            return values;
        }

        @Override
        public String where() {
            return name + " row " + row;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
