package io.waferflow.stores.topics;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.model.Violation;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The violation topic: one JSON message per violation, keyed by wafer id (so a wafer's violations stay in order),
 * written exactly once through Kafka transactions that commit with Flink's checkpoints. Readers must use
 * {@code isolation.level=read_committed} (kcat does by default).
 *
 * <p>A message is bounded ({@link ViolationJson}) whatever the input was, and the bound is checked against the
 * producer's request limit when the sink is built: a violation the producer refused would fail the job on the same
 * input record after every restart.
 */
public final class ViolationTopic {

    /** Kafka's per-record overhead on top of key and value (batch header, lengths, offsets), rounded up. */
    static final int RECORD_OVERHEAD_BYTES = 128;
    /** Most UTF-8 bytes of a key: the wafer id cut to {@link ViolationJson#TEXT_CHARS} characters. */
    private static final int MAX_KEY_BYTES = 3 * ViolationJson.TEXT_CHARS;

    private ViolationTopic() {}

    public static KafkaSink<Violation> sink(FeaturesJobConfig c) {
        return sink(
                c, c.kafkaSinkName(c.jobName() + "-" + c.featureGroup() + "-" + c.featureVersion() + "-violations"));
    }

    /**
     * The same for another job writing to the violation topic: {@code transactionalIdPrefix} unique per job and sink
     * (two jobs sharing one fence each other's transactions).
     */
    public static KafkaSink<Violation> sink(FeaturesJobConfig c, String transactionalIdPrefix) {
        int prefix = c.violationsPayloadPrefixBytes();
        checkFitsRequestLimit(prefix);
        return KafkaTransactions.exactlyOnceSink(
                c.kafkaClient(),
                transactionalIdPrefix,
                // Key: wafer id (null when unknown); value: ViolationJson; timestamp: the stream record's (event time).
                new KeyedJsonRecords<Violation>(
                        c.violationsTopic(), ViolationJson::key, v -> ViolationJson.toJson(v, prefix), true));
    }

    /** The largest record (key, value, overhead) the sink can produce with this raw payload prefix. */
    public static long maxRecordBytes(int rawPrefixBytes) {
        return ViolationJson.maxBytes(rawPrefixBytes) + MAX_KEY_BYTES + RECORD_OVERHEAD_BYTES;
    }

    static void checkFitsRequestLimit(int rawPrefixBytes) {
        long max = maxRecordBytes(rawPrefixBytes);
        if (max > KafkaTransactions.MAX_REQUEST_BYTES) {
            // The bound grows by the same number of bytes with each byte of prefix.
            long perByte = maxRecordBytes(1) - maxRecordBytes(0);
            long largest = (KafkaTransactions.MAX_REQUEST_BYTES - maxRecordBytes(0)) / perByte;
            throw new ConfigException(
                    "kafka.violations_payload_prefix_bytes",
                    "is " + rawPrefixBytes
                            + ": a violation message could then reach " + max
                            + " bytes once JSON-escaped, above the producer's"
                            + " max.request.size of " + KafkaTransactions.MAX_REQUEST_BYTES + " bytes",
                    "set at most " + largest + " (the Parquet quarantine keeps every payload whole)");
        }
    }
}
