package io.waferflow.config.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.waferflow.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The feature registry: one YAML file per feature group in a directory ({@code jobs/registry/<group>.yaml}), reviewed
 * in git. Read whole on every load (a few files of a few kilobytes), at start-up and by {@code waferflow registry}; a
 * mistake in any file is a {@link ConfigException} naming the file and key.
 */
public final class FeatureRegistry {

    /** Unknown keys, duplicate keys and missing values are mistakes in a reviewed file, not things to guess around. */
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path directory;
    private final Map<String, RegisteredGroup> groups;

    private FeatureRegistry(Path directory, Map<String, RegisteredGroup> groups) {
        this.directory = directory;
        this.groups = groups;
    }

    /** Every {@code *.yaml} file of the directory, one group each, named as its file. */
    public static FeatureRegistry load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException(
                    "feature_group.registry",
                    "the feature registry " + directory + " is not a directory",
                    "point feature_group.registry at the directory of <group>.yaml files (jobs/registry), or leave"
                            + " it empty for the registry beside the job file");
        }
        Map<String, RegisteredGroup> groups = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList()) {
                RegisteredGroup g = read(file);
                String expected = file.getFileName().toString().replaceFirst("\\.yaml$", "");
                if (!g.name().equals(expected)) {
                    throw new ConfigException(
                            file + ": name",
                            "is '" + g.name() + "' in " + expected + ".yaml",
                            "name the file <name>.yaml");
                }
                groups.put(g.name(), g);
            }
        } catch (IOException e) {
            throw new ConfigException(
                    "feature_group.registry", "cannot list " + directory + ": " + e.getMessage(), "check permissions");
        }
        return new FeatureRegistry(directory, groups);
    }

    /** One registry file, bound and checked. */
    public static RegisteredGroup read(Path file) {
        try {
            return YAML.readValue(file.toFile(), RegisteredGroup.class).check();
        } catch (ConfigException e) {
            throw e.in(file.toString());
        } catch (JsonMappingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException c) {
                    throw c.in(file.toString());
                }
            }
            String key = path(e);
            if (e instanceof UnrecognizedPropertyException u) {
                throw new ConfigException(
                        file + ": " + key,
                        "is not a registry key",
                        "use the keys " + u.getKnownPropertyIds() + " (see docs/registry.md)");
            }
            throw new ConfigException(
                    file + ": " + key,
                    "cannot be read (" + e.getOriginalMessage().split("\n")[0] + ")",
                    "compare it with jobs/registry/wafer_aggregates.yaml");
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    file.toString(),
                    "is not valid YAML (" + e.getOriginalMessage().split("\n")[0] + ")",
                    "correct the YAML syntax");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage(), "check permissions");
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                key.append(key.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                key.append('[').append(r.getIndex()).append(']');
            }
        }
        return key.length() == 0 ? "<top>" : key.toString();
    }

    public Path directory() {
        return directory;
    }

    public Collection<RegisteredGroup> groups() {
        return groups.values();
    }

    /** The group, or a {@link ConfigException} naming the registered ones. */
    public RegisteredGroup group(String name) {
        RegisteredGroup g = groups.get(name);
        if (g == null) {
            throw new ConfigException(
                    "feature_group.name",
                    "feature group '" + name + "' is not registered in " + directory + " (registered: "
                            + String.join(", ", groups.keySet()) + ")",
                    "add " + directory.resolve(name + ".yaml") + " (docs/registry.md), or correct the name");
        }
        return g;
    }

    /** The version of a group, or a {@link ConfigException} naming the registered ones. */
    public RegisteredVersion version(String group, String version) {
        RegisteredGroup g = group(group);
        return g.version(version)
                .orElseThrow(() -> new ConfigException(
                        "feature_group.version",
                        "version '" + version + "' of " + group + " is not registered (registered: "
                                + String.join(", ", g.versionNames()) + ")",
                        "add it under versions: in " + directory.resolve(group + ".yaml")
                                + " with its date, what changed and its definition, or correct the version"));
    }
}
