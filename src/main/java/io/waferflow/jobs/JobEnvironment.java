package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
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
}
