package io.waferflow.stores.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.DefinitionFingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The definition a version's offline rows were written with: {@code <group>/version=<v>/_definition.json} under the
 * offline root, {@code {"definition": "sha256:...", "definition_json": {...}}}. Written once, by the first writer of
 * the version, through Flink's file systems (any root the job writes). Readers of the rows skip it, as every file whose
 * name starts with {@code _}.
 */
public final class DefinitionFile {

    public static final String NAME = "_definition.json";

    /** The key of the fingerprint in every feature-row Parquet file's footer (key-value metadata). */
    public static final String PARQUET_KEY = "waferflow.definition";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DefinitionFile() {}

    public static Path path(FeaturesJobConfig c) {
        return new Path(c.offlineRootUri() + "/" + OfflineSinks.featuresPath(c) + NAME);
    }

    public static Optional<DefinitionFingerprint> read(FeaturesJobConfig c) throws IOException {
        Path path = path(c);
        FileSystem fs = path.getFileSystem();
        if (!fs.exists(path)) {
            return Optional.empty();
        }
        try (InputStream in = fs.open(path)) {
            JsonNode file = JSON.readTree(in);
            JsonNode definition = file.path("definition_json");
            return Optional.of(new DefinitionFingerprint(
                    file.path("definition").asText(), definition.isMissingNode() ? "" : definition.toString()));
        }
    }

    /** Writes {@code mine} unless the file exists, and returns the definition stored now. */
    public static DefinitionFingerprint claim(FeaturesJobConfig c, DefinitionFingerprint mine) throws IOException {
        Optional<DefinitionFingerprint> stored = read(c);
        if (stored.isPresent()) {
            return stored.get();
        }
        ObjectNode file = JSON.createObjectNode();
        file.put("definition", mine.fingerprint());
        file.set("definition_json", JSON.readTree(mine.json()));
        Path path = path(c);
        FileSystem fs = path.getFileSystem();
        fs.mkdirs(path.getParent());
        try (OutputStream out = fs.create(path, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(file)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Another writer of the version created it first: theirs is the one stored.
            Optional<DefinitionFingerprint> theirs = read(c);
            if (theirs.isPresent()) {
                return theirs.get();
            }
            throw e;
        }
        return mine;
    }
}
