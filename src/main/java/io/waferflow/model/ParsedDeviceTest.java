package io.waferflow.model;

/**
 * A Kafka message after parsing and validation, as the source emits it: the record (as far as it could be read), its
 * violations, and whether they quarantine it. Parsing inside the source lets the source assign event time and
 * watermarks per Kafka partition. A Flink POJO.
 */
public class ParsedDeviceTest {

    public DeviceTest record;
    public Violation[] violations;
    public boolean quarantined;
    /** A quarantined record whose wafer id and event time were read without fault: it counts in its wafer window. */
    public boolean attributable;

    public ParsedDeviceTest() {}

    /**
     * Event time for watermarks and windows; a quarantined record moves them only if its own event time is sound (it
     * was read without a violation, so it is also plausible).
     */
    public long eventTimeForWatermarks() {
        return !quarantined || attributable ? record.eventTime : Long.MIN_VALUE;
    }

    /** The stand-in that carries a quarantined record into its wafer window's quarantine rate. */
    public DeviceTest quarantineMarker() {
        return DeviceTest.quarantineMarker(record.waferId, record.lotId, record.eventTime);
    }
}
