package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.stdf.StdfIssue;
import io.waferflow.ingest.stdf.StdfPart;
import io.waferflow.model.Violation;
import io.waferflow.stores.topics.ViolationJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Parts to {@code kafka.input_topic} as the input contract's JSON, keyed by wafer id (a wafer's parts stay in order in
 * one partition); issues to {@code kafka.violations_topic} as the same JSON and key the feature job writes there
 * ({@link ViolationJson}). One idempotent producer with {@code acks=all}: a retried send is neither lost nor
 * duplicated, and each partition keeps the order of the sends. The Kafka timestamp is the producer's clock, which the
 * job takes as the time a record arrived (its event-time plausibility rule).
 *
 * <p>At least once per file: if the command dies before a file's {@link #endOfFile}, the file stays where it was and is
 * read again; the job's duplicate check drops the parts it already has (same wafer, device and event time).
 */
final class KafkaStdfOutput implements StdfOutput {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String inputTopic;
    private final String violationsTopic;
    private final int payloadPrefixBytes;
    private final String bootstrapServers;
    /** The first send the broker refused (after the producer's own retries). */
    private final AtomicReference<Exception> failed = new AtomicReference<>();

    private final Callback onAck = (metadata, e) -> {
        if (e != null) {
            failed.compareAndSet(null, e);
        }
    };

    private KafkaStdfOutput(FeaturesJobConfig c, KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
        this.inputTopic = c.inputTopic();
        this.violationsTopic = c.violationsTopic();
        this.payloadPrefixBytes = c.violationsPayloadPrefixBytes();
        this.bootstrapServers = c.kafkaBootstrapServers();
    }

    /** Checks that the broker answers and both topics exist, then opens the producer. */
    static KafkaStdfOutput open(FeaturesJobConfig c) {
        Preflight.ingestKafka(c);
        // kafka.properties (security, tuning) first: the delivery guarantees below are not negotiable.
        Properties p = c.kafkaClient().clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "waferflow-ingest-stdf");
        return new KafkaStdfOutput(c, new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public void part(StdfPart part) throws IOException {
        send(new ProducerRecord<>(inputTopic, utf8(part.waferId()), part.toJson()));
    }

    @Override
    public void issue(StdfIssue issue) throws IOException {
        Violation v = issue.toViolation(System.currentTimeMillis());
        send(new ProducerRecord<>(
                violationsTopic, utf8(ViolationJson.key(v)), ViolationJson.toJson(v, payloadPrefixBytes)));
    }

    private void send(ProducerRecord<byte[], byte[]> record) throws IOException {
        throwIfFailed();
        producer.send(record, onAck);
    }

    @Override
    public void endOfFile() throws IOException {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        Exception e = failed.get();
        if (e != null) {
            throw new IOException("Kafka at " + bootstrapServers + " refused a record: " + e.getMessage(), e);
        }
    }

    @Override
    public String destination() {
        return "Kafka " + bootstrapServers + " topics " + inputTopic + " (parts), " + violationsTopic + " (issues)";
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
