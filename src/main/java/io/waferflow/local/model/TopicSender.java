package io.waferflow.local.model;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends JSON records keyed by prediction id to one topic, acknowledged by every in-sync replica. A failed send is kept
 * and thrown by the next {@link #send} or {@link #flush}, never dropped silently. Thread-safe (as the producer).
 */
public final class TopicSender implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();

    public TopicSender(Properties kafkaClient, String topic) {
        Properties p = new Properties();
        p.putAll(kafkaClient);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    public void send(String predictionId, byte[] json) {
        throwIfFailed();
        producer.send(
                new ProducerRecord<>(topic, predictionId.getBytes(StandardCharsets.UTF_8), json), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
        sent.incrementAndGet();
    }

    /** Waits until every record sent so far is acknowledged. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    public long sent() {
        return sent.get();
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("could not write to topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
