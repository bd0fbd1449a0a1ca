package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.jobs.FeaturesJob;
import io.waferflow.jobs.FeaturesJobSinks;
import io.waferflow.jobs.JobEnvironment;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.ServingVersions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.Set;

/** {@code features}: runs the streaming feature job against the configured Kafka and Redis. */
public final class FeaturesCommand implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(FeaturesCommand.class);

    @Override
    public String name() {
        return "features";
    }

    @Override
    public String summary() {
        return "run the streaming feature job (Kafka -> wafer windows -> Redis + Parquet)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: waferflow features [--config jobs/features.yaml] [--from-savepoint PATH] [--set key=value ...]",
                "",
                "Runs the feature job: reads device test records from Kafka, computes per-wafer event-time window",
                "features, upserts them into Redis and writes Parquet under offline.root. With `flink run` it is",
                "submitted to the cluster; from bin/waferflow it runs on a local MiniCluster.",
                "",
                "Options:",
                "  --config FILE     job configuration (default jobs/features.yaml)",
                "  --from-savepoint PATH  start from a savepoint or retained checkpoint (local runs; with flink run",
                "                    use -s PATH); every state in it must belong to an operator of this job",
                "  --set KEY=VALUE   override any configuration key, e.g. --set kafka.bootstrap_servers=broker:9092",
                "                    (repeatable)");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("config", "from-savepoint"), Set.of());
        RawConfig raw = RawConfig.load(Path.of(args.get("config", "jobs/features.yaml")), args.overrides());
        // Unresolved and with secrets masked: safe to log, and it says where each secret comes from.
        LOG.info("Configuration {}", raw);
        FeaturesJobConfig config = FeaturesJobConfig.from(raw);
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        args.get("from-savepoint").ifPresent(path -> {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, FeaturesJobConfig.toUri(path));
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        });
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        new FeaturesJob(config, KafkaInput.source(config), FeaturesJobSinks.production(config)).build(env);
        claimServingVersion(config);
        env.execute(config.jobName());
        return 0;
    }

    /** The first version of a feature group to run becomes the one readers serve (see {@code waferflow version}). */
    public static void claimServingVersion(FeaturesJobConfig config) {
        try (Jedis jedis = RedisClients.jedis(config.redisConnection())) {
            ServingVersions versions = new ServingVersions(jedis, config.redisKeyPrefix());
            if (versions.claimIfUnset(config.featureGroup(), config.featureVersion())) {
                System.out.println(config.featureGroup() + ": " + config.featureVersion() + " is the served version");
            }
        } catch (RuntimeException e) {
            // The client may not reach Redis (the job's TaskManagers do): the pointer is then set by hand.
            System.err.println("waferflow: could not claim the served version in Redis (" + e.getMessage()
                    + "); set it with 'waferflow version switch " + config.featureVersion() + " --force'");
        }
    }
}
