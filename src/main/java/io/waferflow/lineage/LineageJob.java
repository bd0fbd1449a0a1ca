package io.waferflow.lineage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run of a job is, for its OpenLineage events: the job's name, whether it is a streaming or a batch job, the job
 * version and configuration fingerprint it ran with, tags (feature group, feature version, the model a training set is
 * for), and the datasets it reads and writes.
 *
 * @param kind what the run is ({@code features}, {@code backfill}, {@code training-set}, {@code savepoint-bootstrap}
 *     ...): the report groups runs by it
 * @param processingType {@code STREAMING} or {@code BATCH}
 * @param tags written as the run's tags facet ({@code feature_group}, {@code feature_version}, {@code model}, ...)
 */
public record LineageJob(
        String namespace,
        String name,
        String kind,
        String processingType,
        String jobVersion,
        String configFingerprint,
        Map<String, String> tags,
        List<LineageDataset> inputs,
        List<LineageDataset> outputs) {

    public static final String STREAMING = "STREAMING";
    public static final String BATCH = "BATCH";

    /** The tag naming the model a training set is for (a training-set run's optional {@code --model}). */
    public static final String MODEL = "model";

    public static final String FEATURE_GROUP = "feature_group";
    public static final String FEATURE_VERSION = "feature_version";

    public LineageJob {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The same job with one more tag (e.g. {@link #MODEL}). */
    public LineageJob withTag(String key, String value) {
        Map<String, String> t = new LinkedHashMap<>(tags);
        t.put(key, value);
        return new LineageJob(namespace, name, kind, processingType, jobVersion, configFingerprint, t, inputs, outputs);
    }
}
