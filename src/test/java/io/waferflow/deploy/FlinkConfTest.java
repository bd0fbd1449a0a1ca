package io.waferflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.topics.KafkaTransactions;
import io.waferflow.testing.BuildSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.util.NetUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flink-conf/}, read the way a cluster reads it ({@link GlobalConfiguration}, Flink's own parser): the settings
 * WaferFlow's jobs rely on from the cluster, and keys that Flink 1.20 really knows.
 */
class FlinkConfTest {

    private static final Path DIR = Path.of("flink-conf");

    private static Configuration conf;

    @BeforeAll
    static void load() {
        conf = GlobalConfiguration.loadConfiguration(DIR.toString());
    }

    @Test
    void keepsStateInRocksDbWithIncrementalCheckpoints() {
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:///");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:///");
    }

    @Test
    void checkpointsExactlyOnceAlignedAndRetainedOnCancellation() {
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(CheckpointingOptions.ENABLE_UNALIGNED)).isFalse();
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isGreaterThan(1);
    }

    /**
     * A Kafka transaction lives from one checkpoint barrier until the next checkpoint completes; if that takes longer
     * than its timeout the broker aborts it and its records are lost. With no failed checkpoint tolerated, the longest
     * life is one interval (the job's own) plus the checkpoint timeout.
     */
    @Test
    void checkpointTimeoutKeepsKafkaTransactionsAlive() {
        Duration jobInterval = TestConfigs.features().checkpointInterval();
        assertThat(conf.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isZero();
        assertThat(jobInterval.plus(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)))
                .isLessThan(KafkaTransactions.TIMEOUT);
    }

    @Test
    void restartsWithExponentialDelay() {
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void reportsMetricsToPrometheusOnAPortRange() {
        String reporter = FlinkConfigKeys.PROMETHEUS_REPORTER;
        assertThat(conf.getString(reporter + MetricOptions.REPORTER_FACTORY_CLASS.key(), null))
                .isEqualTo(PrometheusReporterFactory.class.getName());
        Iterator<Integer> ports = NetUtils.getPortRangeFromString(conf.getString(reporter + "port", null));
        List<Integer> range = new ArrayList<>();
        ports.forEachRemaining(range::add);
        assertThat(range)
                .as("a port each for a JobManager and two TaskManagers on one host")
                .hasSizeGreaterThan(2);
    }

    @Test
    void opensAtLeastWhatTestsAndLocalRunsOpen() throws Exception {
        List<String> clusterFlags =
                List.of(conf.get(CoreOptions.FLINK_JVM_OPTIONS).split("\\s+"));
        List<String> localFlags = Files.readAllLines(Path.of("bin", "jvm-options")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
        List<String> testFlags =
                List.of(BuildSettings.property("surefire.argLine").split("\\s+"));
        assertThat(clusterFlags)
                .contains("--add-exports=java.base/sun.net.util=ALL-UNNAMED")
                .containsAll(localFlags)
                .containsAll(testFlags);
    }

    @Test
    void oneTaskManagerHoldsTheFeaturesJob() {
        FeaturesJobConfig features = TestConfigs.features();
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS))
                .isGreaterThanOrEqualTo(Math.max(features.parallelism(), features.redisWriters()));
    }

    /** Flink ignores a key it does not know (a typo, or a key of another version) without a word. */
    @Test
    void everyKeyIsOneFlink120Knows() {
        Set<String> known = FlinkConfigKeys.known();
        assertThat(conf.keySet()).hasSizeGreaterThan(20);
        assertThat(conf.keySet().stream().filter(key -> !known.contains(key)))
                .as("deprecated or unknown keys")
                .isEmpty();
    }

    @Test
    void log4jFilesParseAndLogInfoToTheFileTheWebUiShows(@TempDir Path logDir) throws Exception {
        // Flink's start scripts name the log file in this system property.
        System.setProperty("log.file", logDir.resolve("flink.log").toString());
        try {
            org.apache.logging.log4j.core.config.Configuration background = log4j("log4j.properties");
            assertThat(background.getRootLogger().getLevel()).isEqualTo(Level.INFO);
            assertThat(background.getRootLogger().getAppenders().values())
                    .singleElement()
                    .isInstanceOf(RollingFileAppender.class);

            org.apache.logging.log4j.core.config.Configuration foreground = log4j("log4j-console.properties");
            assertThat(foreground.getRootLogger().getLevel()).isEqualTo(Level.INFO);
            assertThat(foreground.getRootLogger().getAppenders().values())
                    .hasSize(2)
                    .hasAtLeastOneElementOfType(ConsoleAppender.class)
                    .hasAtLeastOneElementOfType(RollingFileAppender.class);
            for (var config : List.of(background, foreground)) {
                assertThat(config.getLoggerConfig("org.apache.kafka.clients.producer.KafkaProducer")
                                .getLevel())
                        .isEqualTo(Level.WARN);
                assertThat(config.getLoggerConfig("io.waferflow.alerts.sinks.LogSink")
                                .getLevel())
                        .isEqualTo(Level.INFO);
                config.stop();
            }
            assertThat(logDir.resolve("flink.log")).exists();
        } finally {
            System.clearProperty("log.file");
        }
    }

    private static org.apache.logging.log4j.core.config.Configuration log4j(String file) throws Exception {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            var config = new PropertiesConfigurationFactory()
                    .getConfiguration(
                            new LoggerContext(file),
                            new ConfigurationSource(in, DIR.resolve(file).toFile()));
            config.initialize();
            config.start();
            return config;
        }
    }
}
