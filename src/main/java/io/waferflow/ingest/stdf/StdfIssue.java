package io.waferflow.ingest.stdf;

import io.waferflow.model.Severity;
import io.waferflow.model.Violation;

/**
 * A file-level data-quality finding of an STDF file ({@link StdfRules}): where in the file (uncompressed byte offset,
 * head and site when it concerns one), which field (a schema parameter or test field, or empty), what is wrong, and the
 * wafer and lot it belongs to as far as they are known. An issue that stands for one part (a blocked file's part, a
 * duplicate part, a part without coordinates) also has the part's device id and event time: the job then counts it in
 * its wafer window's quarantine rate; other issues have neither (null).
 */
public record StdfIssue(
        String rule,
        Severity severity,
        String file,
        long offset,
        Integer head,
        Integer site,
        String field,
        String message,
        String waferId,
        String lotId,
        String deviceId,
        Long eventTime)
        implements StdfItem {

    public StdfIssue {
        field = field == null ? "" : field;
    }

    /**
     * The same finding as a violation for the violations topic and quarantine: the value says where it is in the file
     * and what is wrong, the expectation is the rule's recommendation; quarantined when the severity quarantines.
     */
    public Violation toViolation(long observedAt) {
        Violation v = new Violation(rule, field, where() + ": " + message, StdfRules.recommendation(rule), severity);
        v.waferId = waferId;
        v.lotId = lotId;
        v.deviceId = deviceId;
        v.eventTime = eventTime;
        v.observedAt = observedAt;
        v.quarantined = severity.quarantines();
        return v;
    }

    /** {@code file@offset} and the head/site when known. */
    public String where() {
        return file + "@" + offset + (head == null ? "" : " head " + head + (site == null ? "" : " site " + site));
    }
}
