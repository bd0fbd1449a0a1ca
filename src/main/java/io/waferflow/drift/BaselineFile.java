package io.waferflow.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.config.ConfigException;
import io.waferflow.config.DriftConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A drift baseline built from history ({@code bin/waferflow baseline}): per feature, the exact moments and the KLL
 * sketch of its values. JSON, so it can be inspected and diffed:
 *
 * <pre>
 * {"format": "waferflow-baseline/1", "created": "2026-11-27T10:00:00Z", "source": "history.jsonl", "k": 200,
 *  "features": {"vdd": {"n": 120000, "mean": 1.2, "m2": 48.1, "min": 1.11, "max": 1.29, "sketch": "base64…"}}}
 * </pre>
 */
public final class BaselineFile {

    public static final String FORMAT = "waferflow-baseline/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final String source;
    public final Instant created;
    public final int k;
    public final Map<String, Distribution> features;

    public BaselineFile(String source, Instant created, int k, Map<String, Distribution> features) {
        this.source = source;
        this.created = created;
        this.k = k;
        this.features = Map.copyOf(features);
    }

    /**
     * The baseline file that {@code drift.baseline.from: file} names, read and checked against the input schema's
     * parameters when the job is built, so a missing or partial file stops the start, not the first drift window.
     */
    public static BaselineFile forConfig(DriftConfig drift, List<String> parameters) {
        BaselineFile baseline;
        try {
            baseline = read(Path.of(drift.baselineFile()));
        } catch (IOException e) {
            throw new ConfigException("drift.baseline.file", e.getMessage(), "point it at a baseline file");
        }
        for (String p : parameters) {
            if (!baseline.features.containsKey(p)) {
                throw new ConfigException(
                        "drift.baseline.file",
                        drift.baselineFile() + " has no baseline for " + "parameter '" + p + "'",
                        "rebuild it from history that includes " + p);
            }
        }
        return baseline;
    }

    public static BaselineFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("baseline file " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException("baseline file " + file + " is not a " + FORMAT + " file (build one with "
                    + "'bin/waferflow baseline --input <history> --out <file>')");
        }
        Map<String, Distribution> features = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("features").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode f = e.getValue();
            Distribution d = new Distribution();
            d.n = f.path("n").asLong();
            d.mean = f.path("mean").asDouble();
            d.m2 = f.path("m2").asDouble();
            d.min = f.path("min").asDouble(Double.NaN);
            d.max = f.path("max").asDouble(Double.NaN);
            d.sketch = f.hasNonNull("sketch")
                    ? Base64.getDecoder().decode(f.get("sketch").asText())
                    : null;
            features.put(e.getKey(), d);
        }
        return new BaselineFile(
                root.path("source").asText(""),
                Instant.parse(root.path("created").asText()),
                root.path("k").asInt(),
                features);
    }

    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("created", created.toString());
        root.put("source", source);
        root.put("k", k);
        ObjectNode all = root.putObject("features");
        for (Map.Entry<String, Distribution> e : new java.util.TreeMap<>(features).entrySet()) {
            Distribution d = e.getValue();
            ObjectNode f = all.putObject(e.getKey());
            f.put("n", d.n);
            f.put("mean", d.mean);
            f.put("m2", d.m2);
            f.put("min", d.min);
            f.put("max", d.max);
            f.put("sketch", d.sketch == null ? null : Base64.getEncoder().encodeToString(d.sketch));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** The id drift metrics carry for a baseline from this file. */
    public String id(Path file) {
        return "file:" + file.getFileName();
    }
}
