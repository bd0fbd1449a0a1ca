package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.MonitorInput;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.jobs.MonitorJob;
import io.waferflow.jobs.MonitorJobSinks;
import io.waferflow.jobs.RetainedCheckpoints;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code monitor}: runs the model monitoring job against the configured Kafka and Redis. */
@CommandLine.Command(
        name = "monitor",
        description = {
            "run the model monitoring job (predictions + actuals -> accuracy and error per model version and"
                    + " window)",
            "",
            "Reads predictions (monitor.predictions_topic) and their actuals (monitor.actuals_topic), joins them by"
                    + " prediction_id for up to monitor.label_max_delay, and writes each model version's metrics per"
                    + " monitor.window (accuracy, precision/recall/F1, confusion matrix; MAE, RMSE, MAPE, bias; label"
                    + " coverage) to Parquet (_model_metrics under offline.root), Redis (<redis.key_prefix>:model:"
                    + "<model>:<version>) and Prometheus gauges, again whenever late actuals change a window. It"
                    + " alerts on accuracy below the baseline (P2 beyond 5 points, P1 beyond 10) and on drift of the"
                    + " predictions, naming the inputs that drifted in the same windows, and asks for retraining on"
                    + " monitor.retrain_topic when a finding lasts monitor.retrain_after. Bad input, duplicates and"
                    + " orphans go to the quarantine and the violation topic (docs/monitoring.md).",
            "",
            "With `flink run` it is submitted to the cluster; from bin/waferflow it runs on a local MiniCluster. A"
                    + " restart resumes from the latest checkpoint kept under checkpointing.dir/_monitor unless"
                    + " --from-savepoint or --fresh says otherwise. Before submitting it checks that the broker, the"
                    + " monitor's topics and Redis answer."
        })
public final class MonitorCommand implements Command, Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorCommand.class);

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "start from a savepoint or retained checkpoint of the monitor job (with flink run, -s PATH"
                    + " works too)")
    private String fromSavepoint;

    @Option(
            names = "--fresh",
            description = "start without state even if a checkpoint is kept, from kafka.starting_offsets")
    private boolean fresh;

    @Option(names = "--no-checks", description = "skip the start-up checks that Kafka, the topics and Redis answer")
    private boolean noChecks;

    @Mixin
    private ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        RawConfig raw = configOptions.raw();
        LOG.info("Configuration {}", raw);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        if (!noChecks) {
            Preflight.monitorKafka(config);
            Preflight.redis(config);
        }
        Configuration flink = JobEnvironment.resumable(config, JobEnvironment.monitorCheckpoints(config));
        flink.set(PipelineOptions.NAME, MonitorJob.name(config));
        Optional<String> restore = restoreFrom(config, flink);
        restore.ifPresent(path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
        System.out.println("waferflow monitor: "
                + restore.map(p -> "starting from " + p).orElse("starting without state, from kafka.starting_offsets"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        new MonitorJob(
                        config,
                        MonitorInput.predictions(config),
                        MonitorInput.actuals(config),
                        MonitorJobSinks.production(config))
                .build(env);
        boolean detached =
                !env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true);
        JobClient job = env.executeAsync(MonitorJob.name(config));
        System.out.println("waferflow monitor: submitted job " + job.getJobID());
        if (!detached) {
            job.getJobExecutionResult().get();
        }
        return 0;
    }

    /** A savepoint given (here or to flink run), else the latest retained checkpoint unless --fresh. */
    private Optional<String> restoreFrom(FeaturesJobConfig config, Configuration flink) throws IOException {
        Optional<String> given = Optional.ofNullable(fromSavepoint)
                .map(FeaturesJobConfig::toUri)
                .or(() -> StreamExecutionEnvironment.getExecutionEnvironment(flink)
                        .getConfiguration()
                        .getOptional(StateRecoveryOptions.SAVEPOINT_PATH));
        if (given.isPresent() || fresh) {
            return given;
        }
        return RetainedCheckpoints.latest(JobEnvironment.monitorCheckpoints(config))
                .map(RetainedCheckpoints.Checkpoint::path);
    }
}
