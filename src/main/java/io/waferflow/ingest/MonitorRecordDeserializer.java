package io.waferflow.ingest;

import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Parses each message of the predictions or actuals topic inside the source ({@link MonitorRecordParser}), so event
 * time and watermarks are per Kafka partition, as the device tests' {@link DeviceTestDeserializer} does. Never throws
 * for bad input: it becomes violations of a quarantined record.
 */
public class MonitorRecordDeserializer implements KafkaRecordDeserializationSchema<ParsedMonitorRecord> {

    private static final long serialVersionUID = 1L;

    private final MonitorRecordParser parser;

    MonitorRecordDeserializer(MonitorRecordParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<ParsedMonitorRecord> out) {
        long observed =
                message.timestamp() == RecordBatch.NO_TIMESTAMP ? System.currentTimeMillis() : message.timestamp();
        out.collect(parse(message.value(), observed));
    }

    ParsedMonitorRecord parse(byte[] payload, long observedAt) {
        try {
            return parser.parse(payload, observedAt);
        } catch (RuntimeException e) {
            // A parser bug must not stop the job either.
            ParsedMonitorRecord parsed = new ParsedMonitorRecord();
            Violation v = Violation.quarantining(
                    Violation.RULE_UNPARSEABLE,
                    "",
                    String.valueOf(e),
                    "a parseable record",
                    Severity.CRITICAL,
                    null,
                    observedAt,
                    payload == null ? new byte[0] : payload);
            parsed.violations = new Violation[] {v};
            return parsed;
        }
    }

    @Override
    public TypeInformation<ParsedMonitorRecord> getProducedType() {
        return TypeInformation.of(ParsedMonitorRecord.class);
    }
}
