package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.stores.online.PackedFeatures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import redis.clients.jedis.Jedis;

/**
 * A real Kafka broker and a real redis-server for one test class, and with {@link #withMiniCluster} the MiniCluster its
 * jobs run on (one per class: one TaskManager with 2 slots, for parallelism 2): started before its first test, stopped
 * (the broker and Redis by pid) after its last. Register with {@code @RegisterExtension static final LocalServices
 * SERVICES = new LocalServices().withMiniCluster();}.
 *
 * <p>A test's job named {@code name} reads topic {@code <name>-in} and writes violations to {@code <name>-violations}
 * ({@link #createTopics}, {@link #config}).
 */
public final class LocalServices
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final Callable<EmbeddedKafka> startKafka;
    private final MiniClusterExtension miniCluster;
    private EmbeddedKafka kafka;
    private LocalRedis redis;

    public LocalServices() {
        this(EmbeddedKafka::start);
    }

    /** With a broker started another way (e.g. {@link EmbeddedKafka#startWithSaslUser}). */
    public LocalServices(Callable<EmbeddedKafka> startKafka) {
        this(startKafka, null);
    }

    private LocalServices(Callable<EmbeddedKafka> startKafka, MiniClusterExtension miniCluster) {
        this.startKafka = startKafka;
        this.miniCluster = miniCluster;
    }

    /** The same services, and the class's MiniCluster ({@link FeaturesJobRun#miniCluster()}). */
    public LocalServices withMiniCluster() {
        return withMiniCluster(new Configuration());
    }

    /** The same, with cluster-level settings (those the JobManager reads, such as retained checkpoints). */
    public LocalServices withMiniCluster(Configuration cluster) {
        return new LocalServices(startKafka, FeaturesJobRun.miniCluster(cluster));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = startKafka.call();
        redis = LocalRedis.start();
        if (miniCluster != null) {
            miniCluster.beforeAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (miniCluster != null) {
            miniCluster.beforeEach(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (miniCluster != null) {
            miniCluster.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (miniCluster != null) {
                miniCluster.afterAll(context);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** The MiniCluster's parameters ({@code @InjectClusterRESTAddress} and the like). */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return miniCluster != null && miniCluster.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return miniCluster.resolveParameter(parameter, context);
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public LocalRedis redis() {
        return redis;
    }

    /** A client of the Redis server; the caller closes it. */
    public Jedis jedis() {
        return new Jedis(redis.host(), redis.port());
    }

    /**
     * Each expected row is its wafer's online hash (job {@code name}): its window end, and the {@code features}
     * exactly.
     */
    public void assertOnline(String name, Collection<ExpectedFeatures.Row> newest, String... features) {
        try (Jedis jedis = jedis()) {
            for (ExpectedFeatures.Row want : newest) {
                Map<String, String> hash =
                        PackedFeatures.flatten(jedis.hgetAll(name + ":wafer_aggregates:v1:" + want.wafer));
                assertThat(hash.get("window_end")).as(want.wafer).isEqualTo(Long.toString(want.windowEnd));
                for (String f : features) {
                    assertThat(Double.parseDouble(hash.get(f)))
                            .as(want.wafer + " " + f)
                            .isEqualTo(want.features.get(f));
                }
            }
        }
    }

    /** The input topic {@code <name>-in} with {@code partitions} partitions, and {@code <name>-violations}. */
    public void createTopics(String name, int partitions) throws Exception {
        kafka.createTopic(name + "-in", partitions);
        kafka.createTopic(name + "-violations", 1);
    }

    /**
     * The {@code features} job's test configuration ({@link FeaturesJobRun#config}) for this broker and Redis, named
     * {@code name} (consumer group, Redis key prefix), reading {@code <name>-in}, its files under {@code dir}.
     */
    public FeaturesJobConfig config(Path dir, String name, String... overrides) {
        return config(name, name, dir, overrides);
    }

    /** The same for one of several runs over {@code <topics>-in}, each with its own name and directory. */
    public FeaturesJobConfig config(String topics, String name, Path dir, String... overrides) {
        return FeaturesJobRun.config(kafka, redis, dir, topics + "-in", topics + "-violations", name, overrides);
    }

    /** {@link #config}'s settings, as {@code key=value} overrides for a job started from the command line. */
    public List<String> settings(Path dir, String name, String... overrides) {
        return FeaturesJobRun.settings(
                kafka.bootstrapServers(),
                redis.host(),
                redis.port(),
                dir,
                name + "-in",
                name + "-violations",
                name,
                overrides);
    }

    /** Sends the payloads in order, to one partition each as {@code partitionOf} says (null: the producer's choice). */
    public void produce(String topic, List<byte[]> payloads, java.util.function.Function<Integer, Integer> partitionOf)
            throws Exception {
        produce(topic, payloads, partitionOf, null);
    }

    /** The same, with each record's Kafka timestamp as {@code timestampOf} says (null: the producer's clock). */
    public void produce(
            String topic,
            List<byte[]> payloads,
            java.util.function.Function<Integer, Integer> partitionOf,
            java.util.function.Function<Integer, Long> timestampOf)
            throws Exception {
        produce(kafka.bootstrapServers(), topic, payloads, partitionOf, timestampOf);
    }

    /** The same, to any broker. */
    public static void produce(
            String bootstrapServers,
            String topic,
            List<byte[]> payloads,
            java.util.function.Function<Integer, Integer> partitionOf,
            java.util.function.Function<Integer, Long> timestampOf)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Room for the bad-input corpus's 1 MB message.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < payloads.size(); i++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        partitionOf.apply(i),
                        timestampOf == null ? null : timestampOf.apply(i),
                        null,
                        payloads.get(i)));
            }
            // Idempotent producer: records of a partition keep their order even with several in flight.
            producer.flush();
        }
    }

    public void produce(String topic, List<byte[]> payloads) throws Exception {
        produce(topic, payloads, i -> null);
    }

    /**
     * Every committed record of a topic (read_committed, as the job's readers must). The last transaction of a job can
     * become visible a moment after the job ended (Kafka writes commit markers asynchronously), so this reads until the
     * committed end stops moving for a second (at most 30 s).
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) throws InterruptedException {
        return readCommitted(kafka.bootstrapServers(), topic);
    }

    /** The same, from any broker. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, String topic)
            throws InterruptedException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> target = end;
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < target.get(tp))
                        && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                }
                Thread.sleep(1_000);
                Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                if (now.equals(end)) {
                    return out;
                }
                end = now;
            }
        }
        return out;
    }
}
