package io.waferflow.ingest;

import io.waferflow.quality.Violation;

/**
 * A Kafka message after parsing and validation, as the source emits it: the record (as far as it could be read), its
 * violations, and whether they quarantine it. Parsing inside the source lets the source assign event time and
 * watermarks per Kafka partition. A Flink POJO.
 */
public class ParsedDeviceTest {

    public DeviceTest record;
    public Violation[] violations;
    public boolean quarantined;

    public ParsedDeviceTest() {}

    /** Event time for watermarks; a quarantined record does not move them. */
    public long eventTimeForWatermarks() {
        return quarantined ? Long.MIN_VALUE : record.eventTime;
    }
}
