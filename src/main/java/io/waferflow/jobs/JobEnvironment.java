package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;

/**
 * The Flink settings every WaferFlow job needs whatever the cluster says: exactly-once checkpoints (the Parquet sinks
 * commit on them), no Kryo fallback, and no auto-generated uids (each stateful operator must carry its own, or a
 * savepoint would not restore into the next release).
 */
public final class JobEnvironment {

    /**
     * Key groups of keyed state: fixed, so savepoints written by the State Processor API (bootstrap, migrate) and by
     * any release agree, and the job can be rescaled up to this parallelism. Flink's default for parallelism 2.
     */
    public static final int MAX_PARALLELISM = 128;

    private JobEnvironment() {}

    public static Configuration flinkConfiguration(FeaturesJobConfig c) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, c.jobName());
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        conf.set(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL, c.checkpointInterval());
        conf.set(ExecutionCheckpointingOptions.CHECKPOINTING_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointDirUri());
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.setString("parallelism.default", Integer.toString(c.parallelism()));
        return conf;
    }

    /**
     * The settings of a long-running {@code features} job that a plain restart continues: its checkpoints go to a
     * directory of its own ({@link #checkpointsOf}) and are kept when the job is cancelled or its process dies, so the
     * next start finds the latest one ({@link RetainedCheckpoints}) instead of starting without state from the offsets
     * the source committed to Kafka.
     */
    public static Configuration resumable(FeaturesJobConfig c) {
        return resumable(c, checkpointsOf(c));
    }

    /** The same for any long-running job, checkpointing to {@code directory}. */
    public static Configuration resumable(FeaturesJobConfig c, String directory) {
        Configuration conf = flinkConfiguration(c);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }

    /**
     * Where the features job of one feature group version checkpoints: {@code <checkpointing.dir>/<group>/<version>}
     * (Flink adds {@code /<job id>/chk-<n>}). One directory per version, so two versions sharing a root never resume
     * from each other's state.
     */
    public static String checkpointsOf(FeaturesJobConfig c) {
        return under(c, c.featureGroup() + "/" + c.featureVersion());
    }

    /**
     * Where the {@code monitor} job checkpoints: {@code <checkpointing.dir>/_monitor} (one per configuration: it
     * watches every model version).
     */
    public static String monitorCheckpoints(FeaturesJobConfig c) {
        return under(c, "_monitor");
    }

    private static String under(FeaturesJobConfig c, String folder) {
        String root = c.checkpointDirUri();
        return (root.endsWith("/") ? root : root + "/") + folder;
    }
}
