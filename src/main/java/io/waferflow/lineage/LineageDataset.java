package io.waferflow.lineage;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset a run reads or writes, as OpenLineage names it ({@code namespace} + {@code name}, see the OpenLineage
 * naming spec), with its fields, its version, and for outputs the column lineage: each output field's sources, and the
 * sources that shape every row (grouping, windowing).
 *
 * @param version the dataset's version (a feature version), or null
 * @param columns output field → the input fields it is computed from (in declaration order); empty for inputs
 * @param indirect input fields that affect every output row without flowing into a column (group by, window, filter)
 */
public record LineageDataset(
        String namespace,
        String name,
        String version,
        List<Field> fields,
        Map<String, List<Source>> columns,
        List<Source> indirect) {

    /** A field of the dataset's schema. */
    public record Field(String name, String type, String description) {}

    /**
     * An input field an output field (or the whole dataset) comes from, with the OpenLineage transformation type
     * ({@code DIRECT}, {@code INDIRECT}), subtype ({@code IDENTITY}, {@code TRANSFORMATION}, {@code AGGREGATION};
     * {@code GROUP_BY}, {@code WINDOW}, {@code FILTER}, {@code JOIN}...) and a description of the transformation.
     */
    public record Source(
            String namespace, String name, String field, String type, String subtype, String description) {}

    public LineageDataset {
        fields = List.copyOf(fields);
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        indirect = List.copyOf(indirect);
    }

    /** A Kafka topic: namespace {@code kafka://<first bootstrap server>}, name the topic. */
    public static LineageDataset kafkaTopic(String bootstrapServers, String topic, List<Field> fields) {
        String first = bootstrapServers.split(",")[0].trim();
        return new LineageDataset("kafka://" + first, topic, null, fields, Map.of(), List.of());
    }

    /** A Redis key space: namespace {@code redis://host:port}, name the key prefix ({@code wf:wafer_aggregates:v1}). */
    public static LineageDataset redisKeys(
            String host, int port, String keyPrefix, String version, List<Field> fields) {
        return new LineageDataset("redis://" + host + ":" + port, keyPrefix, version, fields, Map.of(), List.of());
    }

    /**
     * A table or directory under a file system root ({@code file:/data/}, {@code s3://bucket/data}): namespace
     * {@code file} for local paths and {@code <scheme>://<authority>} otherwise, name the absolute path.
     */
    public static LineageDataset files(String rootUri, String relativePath, String version, List<Field> fields) {
        URI root = URI.create(rootUri.endsWith("/") ? rootUri : rootUri + "/");
        URI at = root.resolve(relativePath);
        String path = at.getPath().endsWith("/") && at.getPath().length() > 1
                ? at.getPath().substring(0, at.getPath().length() - 1)
                : at.getPath();
        String namespace = at.getScheme() == null || at.getScheme().equals("file") || at.getAuthority() == null
                ? "file"
                : at.getScheme() + "://" + at.getAuthority();
        return new LineageDataset(namespace, path, version, fields, Map.of(), List.of());
    }

    /** This dataset with the column lineage of one more output field. */
    public LineageDataset withColumn(String field, List<Source> sources) {
        Map<String, List<Source>> c = new LinkedHashMap<>(columns);
        c.put(field, List.copyOf(sources));
        return new LineageDataset(namespace, name, version, fields, c, indirect);
    }

    /** This dataset with more sources that shape every row. */
    public LineageDataset withIndirect(List<Source> sources) {
        List<Source> all = new ArrayList<>(indirect);
        all.addAll(sources);
        return new LineageDataset(namespace, name, version, fields, columns, all);
    }

    /** A field of this dataset as the source of an output field. */
    public Source source(String field, String type, String subtype, String description) {
        return new Source(namespace, name, field, type, subtype, description);
    }

    /** The names of this dataset's fields. */
    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }
}
