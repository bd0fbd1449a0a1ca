package io.waferflow.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.waferflow.local.services.EmbeddedKafka;
import io.waferflow.local.services.LocalRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Starts the real local services the demo uses — an in-JVM Kafka broker and a redis-server process — and checks that
 * clients can use them and that closing them leaves nothing running.
 */
class LocalServicesTest {

    private static final String TOPIC = "local-services-test";

    @Test
    @Timeout(60)
    void kafkaAndRedisStartServeAndStopCleanly() throws Exception {
        Set<String> nonDaemonThreadsBefore = nonDaemonThreads();

        long kafkaStart = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.out.printf(
                "Embedded Kafka ready at %s in %d ms%n",
                kafka.bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - kafkaStart).toMillis());
        LocalRedis redis = LocalRedis.start();
        try {
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
            kafka.createTopic(TOPIC, 2);
            kafka.createTopic(TOPIC, 2); // idempotent
            assertThrows(IllegalStateException.class, () -> kafka.createTopic(TOPIC, 3));

            List<String> sent =
                    IntStream.range(0, 10).mapToObj(i -> "value-" + i).collect(Collectors.toList());
            produceTransactionally(kafka.bootstrapServers(), sent);
            // Two partitions: order is only kept per partition, so compare sorted lists (duplicates would show).
            List<String> received = consume(kafka.bootstrapServers(), sent.size());
            assertEquals(sorted(sent), sorted(received));

            try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
                assertEquals("OK", jedis.set("wafer:W1", "die-count=42"));
                assertEquals("die-count=42", jedis.get("wafer:W1"));
            }
        } finally {
            redis.close();
            kafka.close();
        }
        redis.close(); // idempotent
        kafka.close();

        assertFalse(acceptsConnections(redis.port()), "redis port still open after close()");
        assertFalse(
                ProcessHandle.of(redis.pid()).map(ProcessHandle::isAlive).orElse(false),
                "redis-server process still alive after close()");
        assertNoNewNonDaemonThreads(nonDaemonThreadsBefore);
    }

    /** Transactional, so that the single-replica transaction-state topic is exercised as exactly-once sinks use it. */
    private static void produceTransactionally(String bootstrapServers, List<String> values) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "local-services-test",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                60_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, values.get(i)));
            }
            producer.commitTransaction();
        }
    }

    /** Through a consumer group, so that the single-replica offsets topic is exercised too. */
    private static List<String> consume(String bootstrapServers, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "local-services-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().collect(Collectors.toList());
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** A leftover non-daemon thread would keep a demo's JVM alive after main() returns. */
    private static void assertNoNewNonDaemonThreads(Set<String> before) throws InterruptedException {
        Set<String> leftover = Set.of();
        for (int i = 0; i < 50; i++) {
            leftover = new TreeSet<>(nonDaemonThreads());
            leftover.removeAll(before);
            if (leftover.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(Set.of(), leftover, "non-daemon threads left after close()");
    }

    private static Set<String> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .map(Thread::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
