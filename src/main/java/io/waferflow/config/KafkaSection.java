package io.waferflow.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code kafka} section: the cluster and its client settings ({@link #client()}), the topics, and where the source
 * starts.
 *
 * @param violationsPayloadPrefixBytes UTF-8 bytes of a quarantined record's raw payload that its violation message
 *     carries (the Parquet quarantine keeps it all); whether it fits the producer's request limit is checked where the
 *     sink is built (ViolationTopic)
 * @param sourceParallelism Kafka readers, or 0 for auto (one per input partition, at most the parallelism, see
 *     {@code KafkaInput.readers})
 * @param sinkEpoch names the output topics' exactly-once sinks for one Kafka cluster
 * @param properties the {@code kafka.properties.*} pass-through, checked by {@link KafkaClientSettings}
 */
public record KafkaSection(
        String bootstrapServers,
        String inputTopic,
        String violationsTopic,
        int violationsPayloadPrefixBytes,
        String groupId,
        StartingPoint startingOffsets,
        @JsonDeserialize(using = Readers.class) int sourceParallelism,
        String sinkEpoch,
        Map<String, String> properties)
        implements Serializable {

    public KafkaSection {
        Check.between("violations_payload_prefix_bytes", violationsPayloadPrefixBytes, 0, Integer.MAX_VALUE);
        if (!sinkEpoch.matches("[a-zA-Z0-9_]*")) {
            throw InvalidValue.at(
                    "sink_epoch",
                    "'" + sinkEpoch + "' has characters other than letters, digits and _",
                    "use e.g. 2 or moved_2026_11");
        }
        properties = KafkaClientSettings.of(bootstrapServers, properties).passThrough();
    }

    public KafkaClientSettings client() {
        return KafkaClientSettings.of(bootstrapServers, properties);
    }

    /** Values of password-type properties masked. */
    @Override
    public String toString() {
        return "KafkaSection[" + client() + ", input " + inputTopic + ", violations " + violationsTopic + ", group "
                + groupId + ", from " + startingOffsets + "]";
    }

    /** Where a job without restored source state starts reading: committed, earliest, latest, or an instant. */
    public static final class StartingPoint implements Serializable {

        private static final long serialVersionUID = 1L;

        private final FeaturesJobConfig.StartingOffsets offsets;
        /** Kafka record timestamp (epoch ms) to start from for TIMESTAMP; else -1. */
        private final long timestamp;

        private StartingPoint(FeaturesJobConfig.StartingOffsets offsets, long timestamp) {
            this.offsets = offsets;
            this.timestamp = timestamp;
        }

        @JsonCreator
        static StartingPoint parse(String text) {
            if (text.matches("\\d{4}-.*")) {
                try {
                    return new StartingPoint(
                            FeaturesJobConfig.StartingOffsets.TIMESTAMP,
                            ValueFormats.instant(text).toEpochMilli());
                } catch (InvalidValue e) {
                    throw InvalidValue.value(text, "is not an ISO-8601 instant", "write e.g. 2026-11-27T00:00:00Z");
                }
            }
            try {
                return new StartingPoint(FeaturesJobConfig.StartingOffsets.valueOf(text.toUpperCase()), -1);
            } catch (IllegalArgumentException e) {
                throw InvalidValue.value(
                        text,
                        "is unknown",
                        "use committed, earliest, latest or an instant such as 2026-11-27T00:00:00Z");
            }
        }

        public FeaturesJobConfig.StartingOffsets offsets() {
            return offsets;
        }

        public long timestamp() {
            return timestamp;
        }

        @Override
        public String toString() {
            return offsets == FeaturesJobConfig.StartingOffsets.TIMESTAMP
                    ? Instant.ofEpochMilli(timestamp).toString()
                    : offsets.name().toLowerCase();
        }
    }

    /** {@code auto} (0) or a number of readers from 1 to 1024. */
    static final class Readers extends StdScalarDeserializer<Integer> {

        Readers() {
            super(Integer.class);
        }

        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getText().trim();
            if (text.equals("auto")) {
                return 0;
            }
            try {
                return Check.between("", Integer.parseInt(text), 1, 1024);
            } catch (NumberFormatException e) {
                throw InvalidValue.value(text, "is not auto or a whole number", "set auto or a number such as 2");
            }
        }
    }
}
