package io.waferflow.local.services;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 3.9.1 broker running inside this JVM, for local demo runs and tests: one combined broker + controller
 * node in KRaft mode, listening on 127.0.0.1 only, on free ports, with its logs in a temporary directory.
 *
 * <p>It is built on Kafka's own {@code kafka.testkit.KafkaClusterTestKit} (from the {@code kafka_2.13}
 * {@code test}-classifier jar) rather than on a hand-rolled {@code KafkaRaftServer}, because the test kit already does
 * the fiddly parts (formatting the metadata log, wiring the controller quorum to a port chosen at bind time, waiting
 * for the broker to be unfenced). Its start-up needs {@code junit-jupiter-api} on the class path (the test kit imports
 * JUnit assertions); without it start-up fails and non-daemon broker threads keep the JVM alive.
 *
 * <p>The broker is configured for a single node: the internal offsets and transaction-state topics have one replica,
 * one partition and a minimum ISR of one, so consumer groups and transactional (exactly-once) producers work.
 * {@code transaction.max.timeout.ms} keeps Kafka's 15-minute default, so a transactional producer must use a
 * {@code transaction.timeout.ms} below that. Topics are not auto-created: create them with {@link #createTopic(String,
 * int)}, so that a typo in a topic name fails instead of silently reading an empty new topic.
 *
 * <p>Logging: the broker logs a lot at INFO. This class does not change logging configuration; to keep the broker quiet
 * set these loggers to WARN in the log4j2 configuration: {@code kafka}, {@code org.apache.kafka},
 * {@code state.change.logger}, {@code kafka.request.logger} (the last two are Kafka's named, non-class loggers) and
 * {@code org.apache.zookeeper} (one INFO line from its TLS utilities, even in KRaft mode). {@code org.apache.kafka}
 * also covers the Kafka clients (producer, consumer, admin). Without any log4j2 configuration, log4j's default level is
 * ERROR and the broker is silent anyway.
 *
 * <p>A JVM shutdown hook stops the broker if the JVM exits without {@link #close()} (e.g. a Ctrl-C'd demo);
 * {@link #close()} removes the hook.
 */
public final class EmbeddedKafka extends LocalService {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

    private static final String SASL_LISTENER = "SASL";

    private final KafkaClusterTestKit cluster;
    private final File baseDirectory;
    private final String bootstrapServers;
    private final String saslBootstrapServers;

    private EmbeddedKafka(
            KafkaClusterTestKit cluster, File baseDirectory, String bootstrapServers, String saslBootstrapServers) {
        super("embedded-kafka");
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    /**
     * Starts the broker and returns once it is registered, unfenced and has the cluster metadata, i.e. ready for
     * clients. Takes a few seconds.
     */
    public static EmbeddedKafka start() throws Exception {
        return start(null, null);
    }

    /**
     * The same broker with a second client listener, SASL_PLAINTEXT with mechanism PLAIN, that accepts one user
     * ({@link #saslBootstrapServers()}); the plain listener stays as it is (for test producers and readers).
     */
    public static EmbeddedKafka startWithSaslUser(String user, String password) throws Exception {
        return start(user, password);
    }

    private static EmbeddedKafka start(String saslUser, String saslPassword) throws Exception {
        long startNanos = System.nanoTime();
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // The test kit defaults to the newest *testing* metadata version, which turns on unreleased
                // features; a local run should behave like a released 3.9.1 broker.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        File baseDirectory = new File(nodes.baseDirectory());

        KafkaClusterTestKit cluster = null;
        try {
            // The test kit would bind to "localhost", i.e. possibly to every address "localhost" maps to;
            // a local demo must not be reachable from the network. Port 0 = a free port chosen at bind time.
            // (The test kit still tells the broker to reach the controller at "localhost:PORT"; Java
            // resolves that to 127.0.0.1 unless java.net.preferIPv6Addresses=true is set.)
            String listeners = "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0";
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            if (saslUser != null) {
                // Server side only: the broker talks to itself over the plain EXTERNAL listener, so it needs no
                // credentials of its own.
                String prefix = "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
                listeners += "," + SASL_LISTENER + "://127.0.0.1:0";
                builder.setConfigProp(
                                "listener.security.protocol.map",
                                "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + SASL_LISTENER + ":SASL_PLAINTEXT")
                        .setConfigProp(prefix + "sasl.enabled.mechanisms", "PLAIN")
                        .setConfigProp(
                                prefix + "plain.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + saslUser
                                        + "=\""
                                        + saslPassword.replace("\\", "\\\\").replace("\"", "\\\"") + "\";");
            }
            cluster = builder.setConfigProp("listeners", listeners)
                    .setConfigProp("unstable.api.versions.enable", "false")
                    .setConfigProp("unstable.feature.versions.enable", "false")
                    .setConfigProp("auto.create.topics.enable", "false")
                    // Single node: the internal topics cannot have more than one replica. One partition each
                    // (default 50) makes the first consumer group / transactional producer start noticeably faster.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("min.insync.replicas", "1")
                    .setConfigProp("default.replication.factor", "1")
                    // The default 3 s delay only helps when many consumers join at once; here it just slows tests.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Throwable t) {
            shutDown(cluster, baseDirectory);
            throw t;
        }

        EmbeddedKafka kafka = new EmbeddedKafka(
                cluster,
                baseDirectory,
                bootstrapServersOf(cluster, nodes.externalListenerName()),
                saslUser == null ? null : bootstrapServersOf(cluster, new ListenerName(SASL_LISTENER)));
        kafka.registerShutdownHook();
        LOG.info(
                "Embedded Kafka broker ready at {} in {} ms (data in {})",
                kafka.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                baseDirectory);
        return kafka;
    }

    /** {@code 127.0.0.1:PORT} of the broker's client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code 127.0.0.1:PORT} of the SASL_PLAINTEXT listener of {@link #startWithSaslUser}. */
    public String saslBootstrapServers() {
        if (saslBootstrapServers == null) {
            throw new IllegalStateException("this broker has no SASL listener: start it with startWithSaslUser");
        }
        return saslBootstrapServers;
    }

    /**
     * Creates a topic with one replica and returns once every partition has a leader. Calling it again for an existing
     * topic with the same partition count does nothing.
     *
     * @throws IllegalStateException if the topic exists with a different partition count
     */
    public void createTopic(String name, int partitions) throws Exception {
        if (isClosed()) {
            throw new IllegalStateException("Embedded Kafka is closed");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all()
                        .get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitTopicReady(admin, name, partitions);
        }
    }

    /**
     * The controller acknowledges a new topic before the broker has loaded it; waiting for leaders here means a
     * producer started right afterwards does not log "unknown topic" warnings or time out on metadata.
     */
    private static void awaitTopicReady(Admin admin, String name, int partitions) throws Exception {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        while (true) {
            Optional<TopicDescription> description = describe(admin, name);
            if (description.isPresent()) {
                int actual = description.get().partitions().size();
                if (actual != partitions) {
                    throw new IllegalStateException(
                            "Topic " + name + " already exists with " + actual + " partitions, not " + partitions);
                }
                if (description.get().partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topic " + name + " has no leader for every partition after "
                        + TOPIC_READY_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String name) throws Exception {
        try {
            return Optional.of(
                    admin.describeTopics(List.of(name)).allTopicNames().get().get(name));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Stops the broker and controller and deletes the data directory. Returns within seconds and leaves no non-daemon
     * threads behind. Calling it again does nothing.
     */
    @Override
    protected void stop() {
        // On JVM shutdown Kafka's own hook (registered when the test kit made the temp directory) deletes the
        // directory concurrently with this orderly stop; the broker may then log a KafkaStorageException at
        // WARN. Harmless: the final delete in shutDown() removes anything written after Kafka's hook ran.
        long startNanos = System.nanoTime();
        shutDown(cluster, baseDirectory);
        LOG.info(
                "Embedded Kafka broker at {} stopped in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    @Override
    public String toString() {
        return "embedded Kafka broker at " + bootstrapServers;
    }

    /** Best-effort stop used by both close() and a failed start(): a failure must not keep the directory. */
    private static void shutDown(KafkaClusterTestKit cluster, File baseDirectory) {
        if (cluster != null) {
            try {
                // Stops broker then controller and its executor threads; rethrows the first fault the
                // broker reported while running, which is worth a warning but must not stop the clean-up.
                cluster.close();
            } catch (Exception e) {
                LOG.warn("Embedded Kafka reported an error while shutting down", e);
            }
        }
        try {
            // The test kit deletes this too, but not if its close() failed half-way.
            Utils.delete(baseDirectory);
        } catch (Exception e) {
            LOG.warn("Could not delete embedded Kafka directory {}", baseDirectory, e);
        }
    }

    private static String bootstrapServersOf(KafkaClusterTestKit cluster, ListenerName listener) {
        // Not cluster.bootstrapServers(): that says "localhost", which may resolve to ::1 first on some
        // machines, while we listen on 127.0.0.1 only.
        return cluster.brokers().values().stream()
                .map((BrokerServer broker) -> "127.0.0.1:" + broker.boundPort(listener))
                .collect(Collectors.joining(","));
    }
}
