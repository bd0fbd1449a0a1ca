package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.RetainedCheckpoints;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * What state a {@code features} job starts from. Restarting means continuing: without a savepoint the job resumes from
 * the latest checkpoint it retained under {@link JobEnvironment#checkpointsOf its checkpoint directory}, so a plain
 * restart after a crash (even {@code kill -9} of the whole process) loses nothing. Starting without state while the
 * consumer group has committed offsets would read on from those offsets with every window, die map and duplicate check
 * of the previous run gone, so it is refused unless asked for ({@code --fresh}).
 *
 * @param restoreFrom the savepoint or checkpoint to restore, or null to start without state
 * @param description one line for the console: where the job starts from and why
 */
public record StartingState(String restoreFrom, String description) {

    /**
     * @param savepoint a savepoint or checkpoint given on the command line ({@code --from-savepoint}, or {@code -s} of
     *     {@code flink run}), if any
     * @param fresh {@code --fresh}: start without state on purpose
     */
    public static StartingState decide(FeaturesJobConfig c, Optional<String> savepoint, boolean fresh) {
        return decide(c, savepoint, fresh, null);
    }

    /**
     * The same for a job reading the STDF files in {@code stdfDir} ({@code features --source stdf:DIR}): no checkpoint
     * means a first start, which reads every file there (the source's state is what lists the files already read).
     */
    public static StartingState decideForFiles(
            FeaturesJobConfig c, Optional<String> savepoint, boolean fresh, String stdfDir) {
        return decide(c, savepoint, fresh, stdfDir);
    }

    private static StartingState decide(
            FeaturesJobConfig c, Optional<String> savepoint, boolean fresh, String stdfDir) {
        if (savepoint.isPresent() && fresh) {
            throw new ConfigException(
                    "--fresh",
                    "contradicts --from-savepoint " + savepoint.get(),
                    "pass one of them: --from-savepoint to restore that state, --fresh to start without any");
        }
        if (savepoint.isPresent()) {
            String path = FeaturesJobConfig.toUri(savepoint.get());
            return new StartingState(path, "starting from savepoint " + path);
        }
        String directory = JobEnvironment.checkpointsOf(c);
        if (fresh && stdfDir != null) {
            return new StartingState(
                    null,
                    "starting without state (--fresh), reading every STDF file in " + stdfDir + "; checkpoints go to "
                            + directory);
        }
        if (fresh) {
            return new StartingState(
                    null,
                    "starting without state (--fresh), from kafka.starting_offsets=" + startingOffsets(c)
                            + "; checkpoints go to " + directory);
        }
        Optional<RetainedCheckpoints.Checkpoint> latest = Optional.empty();
        String unreadable = null;
        try {
            latest = RetainedCheckpoints.latest(directory);
        } catch (IOException | RuntimeException e) {
            // E.g. an object store whose file system plugin only the cluster has: the committed offsets still tell
            // whether a start without state would lose anything.
            unreadable = "the checkpoint directory " + directory + " cannot be read from this machine ("
                    + e.getMessage() + ")";
        }
        if (latest.isPresent()) {
            RetainedCheckpoints.Checkpoint k = latest.get();
            return new StartingState(
                    k.path(),
                    "resuming from checkpoint " + k.id() + " of job " + k.jobId() + " (completed " + k.completedAt()
                            + "): " + k.path());
        }
        String none = unreadable != null ? unreadable : "no checkpoint under " + directory;
        if (stdfDir != null) {
            return new StartingState(null, none + ": starting without state, reading every STDF file in " + stdfDir);
        }
        if (c.startingOffsets() != FeaturesJobConfig.StartingOffsets.COMMITTED) {
            return new StartingState(
                    null, none + ": starting without state, from kafka.starting_offsets=" + startingOffsets(c));
        }
        Map<Integer, Long> committed = committedOffsets(c);
        if (!committed.isEmpty()) {
            throw new ConfigException(
                    "--fresh",
                    none + " (" + c.featureGroup() + " " + c.featureVersion()
                            + "), but consumer group '" + c.groupId() + "' has committed offsets on '" + c.inputTopic()
                            + "' "
                            + committed
                            + ". Starting from them without the job's state would lose what that state held: "
                            + "the windows still open at the last checkpoint (their records were read and will not be "
                            + "read "
                            + "again), every wafer's die map (neighbour yield), the duplicate checks, drift baselines "
                            + "and "
                            + "alert episodes",
                    "pass --from-savepoint PATH (with flink run: -s PATH) with a savepoint or a "
                            + "retained checkpoint (chk-N) of the previous run, or --fresh to start without state "
                            + "from the "
                            + "committed offsets anyway");
        }
        return new StartingState(
                null,
                "first start: " + none + " and no offsets committed by consumer group '" + c.groupId() + "'; reading '"
                        + c.inputTopic() + "' from the beginning");
    }

    private static Map<Integer, Long> committedOffsets(FeaturesJobConfig c) {
        try {
            return KafkaInput.committedOffsets(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading committed offsets", e);
        } catch (Exception e) {
            throw new ConfigException(
                    "kafka.bootstrap_servers",
                    "no Kafka broker at " + c.kafkaBootstrapServers()
                            + " told the offsets committed by consumer group '" + c.groupId() + "' (" + e.getMessage()
                            + ")",
                    "start the broker or correct the key");
        }
    }

    private static String startingOffsets(FeaturesJobConfig c) {
        return c.startingOffsets() == FeaturesJobConfig.StartingOffsets.TIMESTAMP
                ? java.time.Instant.ofEpochMilli(c.startingTimestamp()).toString()
                : c.startingOffsets().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Sets the restore path in the job's Flink configuration; every piece of state must find its operator. */
    public void applyTo(Configuration flink) {
        if (restoreFrom != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
    }
}
