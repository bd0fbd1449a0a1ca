package io.waferflow.jobs;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.derived.DerivedFeatures;
import io.waferflow.model.TrainingEvent;
import io.waferflow.stores.offline.FeatureRowFiles;
import io.waferflow.stores.offline.FeatureRowFormat;
import io.waferflow.stores.offline.OfflineSinks;
import io.waferflow.stores.offline.ParquetBulkWriterFactory;
import io.waferflow.training.AsOf;
import io.waferflow.training.FeatureInput;
import io.waferflow.training.JoinStatus;
import io.waferflow.training.LabelFormat;
import io.waferflow.training.LabelSchema;
import io.waferflow.training.PointInTimeJoin;
import io.waferflow.training.TrainingRow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * A training set to build, checked before any job starts: the labels and their columns, the inputs (group and version,
 * features read), the derived features, and where the rows go. It makes the {@link TrainingSetJob} with real file
 * sources and sink, names the job's inputs and output ({@link #inputPaths}, {@link #outputPath}), and reads the job's
 * counters back as a {@link Summary}.
 */
public final class TrainingSetPlan {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final FeaturesJobConfig config;
    private final Path labels;
    private final LabelSchema labelSchema;
    private final List<FeatureInput> inputs;
    private final List<List<Path>> inputFiles;
    private final int derivedInput;
    private final List<String> derivedNames;
    private final DerivedFeatures derived;
    private final AsOf asOf;
    private final Duration maxAge;
    private final Path out;

    /**
     * @param features {@code GROUP:VERSION:FEATURE} each
     * @param derivedNames derived features of the configured group ({@code feature_group.derived}), computed from its
     *     configured version's row
     * @param baseline the baseline statistics derived features read ({@code io.waferflow.derived.BaselineValues})
     * @param maxAge null for no limit
     */
    public TrainingSetPlan(
            FeaturesJobConfig config,
            String labels,
            String entityColumn,
            String timeColumn,
            List<String> features,
            List<String> derivedNames,
            Map<String, Double> baseline,
            Duration maxAge,
            AsOf asOf,
            String out)
            throws IOException {
        this.config = config;
        this.labels = new Path(FeaturesJobConfig.toUri(labels));
        this.asOf = asOf;
        this.maxAge = maxAge;
        this.out = new Path(FeaturesJobConfig.toUri(out));
        try {
            this.labelSchema = LabelSchema.inspect(this.labels, entityColumn, timeColumn);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--labels", e.getMessage(), "see docs/training-sets.md for the labels file");
        }
        Map<String, Set<String>> requested = new LinkedHashMap<>();
        for (String spec : features) {
            String[] parts = spec.trim().split(":");
            if (parts.length != 3
                    || !NAME.matcher(parts[0]).matches()
                    || !NAME.matcher(parts[1]).matches()) {
                throw new ConfigException(
                        "--features",
                        "'" + spec + "' is not GROUP:VERSION:FEATURE with names of letters, digits and _",
                        "e.g. --features wafer_aggregates:v1:yield_pct");
            }
            requested
                    .computeIfAbsent(parts[0] + ":" + parts[1], k -> new LinkedHashSet<>())
                    .add(parts[2]);
        }
        this.derivedNames = List.copyOf(derivedNames);
        this.derived = DerivedFeatures.of(config, baseline);
        Set<String> derivedInputs = new LinkedHashSet<>();
        for (String name : this.derivedNames) {
            derived.require("--derived", name, config.featureGroup());
            derivedInputs.addAll(derived.storedInputs(name));
        }
        String derivedKey = config.featureGroup() + ":" + config.featureVersion();
        if (!this.derivedNames.isEmpty()) {
            requested.computeIfAbsent(derivedKey, k -> new LinkedHashSet<>());
        }
        if (requested.isEmpty()) {
            throw new ConfigException(
                    "--features", "names no feature", "e.g. --features wafer_aggregates:v1:yield_pct");
        }
        List<FeatureInput> in = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        int d = -1;
        for (Map.Entry<String, Set<String>> e : requested.entrySet()) {
            String[] gv = e.getKey().split(":");
            List<String> read = new ArrayList<>(e.getValue());
            if (e.getKey().equals(derivedKey) && !this.derivedNames.isEmpty()) {
                d = in.size();
                derivedInputs.stream().filter(s -> !read.contains(s)).forEach(read::add);
            }
            FeatureInput input = new FeatureInput(gv[0], gv[1], List.copyOf(e.getValue()), read);
            List<Path> committed = FeatureRowFiles.committedUnder(
                    new Path(config.offlineRootUri() + "/" + OfflineSinks.featuresPath(gv[0], gv[1])), "--features");
            if (committed.isEmpty()) {
                throw new ConfigException(
                        "--features", "no committed feature files for " + e.getKey(), "run the job or a backfill");
            }
            List<String> columns = FeatureRowFormat.columnsOf(committed.get(0));
            List<String> missing =
                    read.stream().filter(c -> !columns.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new ConfigException(
                        "--features",
                        e.getKey() + " has no columns " + missing + " (" + committed.get(0) + ")",
                        "use its feature columns: " + String.join(", ", columns));
            }
            in.add(input);
            files.add(committed);
        }
        this.inputs = List.copyOf(in);
        this.inputFiles = List.copyOf(files);
        this.derivedInput = d;
        // Fails early on clashing column names.
        try {
            rowAvro().schema();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--labels", e.getMessage(), "rename the column in the labels file");
        }
    }

    public List<FeatureInput> inputs() {
        return inputs;
    }

    /** The input whose row the derived features are computed from, or null when none is asked for. */
    public FeatureInput derivedInput() {
        return derivedInput < 0 ? null : inputs.get(derivedInput);
    }

    /** The derived features asked for, and their definitions. */
    public List<String> derivedNames() {
        return derivedNames;
    }

    public DerivedFeatures derived() {
        return derived;
    }

    public LabelSchema labelSchema() {
        return labelSchema;
    }

    /** What the job reads: the labels, then each input's directory (for lineage and messages). */
    public List<String> inputPaths() {
        List<String> paths = new ArrayList<>();
        paths.add(labels.toString());
        for (FeatureInput in : inputs) {
            paths.add(config.offlineRootUri() + "/" + OfflineSinks.featuresPath(in.group(), in.version()));
        }
        return paths;
    }

    /** Where the job writes its Parquet files. */
    public String outputPath() {
        return out.toString();
    }

    public TrainingRowAvro rowAvro() {
        return new TrainingRowAvro(labelSchema, inputs, derivedInput, derived, derivedNames);
    }

    public TrainingSetJob job() throws IOException {
        List<Path> labelFiles = LabelSchema.files(labels);
        FileSource<TrainingEvent> labelSource = FileSource.forRecordStreamFormat(
                        new LabelFormat(labelSchema, labelFiles.get(0).getName()), labelFiles.toArray(Path[]::new))
                .build();
        List<org.apache.flink.api.connector.source.Source<TrainingEvent, ?, ?>> featureSources = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            featureSources.add(FileSource.forRecordStreamFormat(
                            new FeatureRowFormat(i, inputs.get(i).read()),
                            inputFiles.get(i).toArray(Path[]::new))
                    .build());
        }
        TrainingRowAvro avro = rowAvro();
        FileSink<TrainingRow> sink = FileSink.forBulkFormat(out, new ParquetBulkWriterFactory<>(avro.schema(), avro))
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix("part")
                        .withPartSuffix(".parquet")
                        .build())
                .build();
        return new TrainingSetJob(labelSource, featureSources, sink, asOf, maxAge == null ? -1 : maxAge.toMillis());
    }

    /** The rows written and, per input, how many labels got each status. */
    public record Summary(long rows, Map<String, Map<String, Long>> statuses) {}

    public Summary summary(Map<String, Object> accumulators) {
        Map<String, Map<String, Long>> statuses = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (JoinStatus s : JoinStatus.values()) {
                Object v = accumulators.get(PointInTimeJoin.counterName(i, s));
                counts.put(s.spelling(), v == null ? 0L : ((Number) v).longValue());
            }
            statuses.put(inputs.get(i).group() + ":" + inputs.get(i).version(), counts);
        }
        Object rows = accumulators.get(PointInTimeJoin.LABELS_COUNTER);
        return new Summary(rows == null ? 0 : ((Number) rows).longValue(), statuses);
    }
}
