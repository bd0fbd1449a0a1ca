package io.waferflow.model;

/**
 * A message of the predictions or actuals topic after parsing and validation, as the monitor job's sources emit it: the
 * prediction (predictions topic) or the actual (actuals topic) when it is sound, else null and the violations that
 * quarantine it. Parsing inside the source lets it assign event time and watermarks per Kafka partition. A Flink POJO.
 */
public class ParsedMonitorRecord {

    public Prediction prediction;
    public Actual actual;
    public Violation[] violations = new Violation[0];

    public ParsedMonitorRecord() {}

    public boolean quarantined() {
        return prediction == null && actual == null;
    }

    /** Event time for watermarks: a quarantined record's event time is not trusted and never moves them. */
    public long eventTimeForWatermarks() {
        return prediction != null ? prediction.eventTime : actual != null ? actual.eventTime : Long.MIN_VALUE;
    }
}
