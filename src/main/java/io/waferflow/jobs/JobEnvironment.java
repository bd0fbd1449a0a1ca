package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
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

    /**
     * How often the sources emit a periodic watermark (Flink's default 200 ms): a window fires only at the next
     * emission after a record passed its end + out-of-orderness, so this adds up to its value to every window's
     * latency. A watermark per 50 ms per source split costs nothing measurable.
     */
    public static final Duration WATERMARK_INTERVAL = Duration.ofMillis(50);
    /**
     * How long a network buffer that is not full waits before it is sent (Flink's default 100 ms). A watermark and the
     * last rows of a window end's burst wait in such a buffer at each of the job's shuffles (source → window → features
     * → Redis writers): up to 300 ms at the default. Full buffers are sent at once whatever this says, so it costs
     * throughput only on quiet channels. Set for the long-running jobs ({@link #resumable}), whose windows' latency
     * counts; bounded runs (backfills, benchmarks of throughput) keep Flink's default.
     */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

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
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, WATERMARK_INTERVAL);
        return conf;
    }

    /**
     * The settings of a job that runs on a live input, where a window's latency counts ({@link #BUFFER_TIMEOUT}): those
     * of {@link #resumable} but for its checkpoints.
     */
    public static Configuration streaming(FeaturesJobConfig c) {
        Configuration conf = flinkConfiguration(c);
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, BUFFER_TIMEOUT);
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
        Configuration conf = streaming(c);
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
