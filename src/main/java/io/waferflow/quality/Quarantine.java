package io.waferflow.quality;

import io.waferflow.model.DeviceTest;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Quarantines a record that was already parsed (too late, a duplicate). */
final class Quarantine {

    private Quarantine() {}

    /**
     * A violation that quarantines {@code d}: its identity from the record, and the record re-serialized as an input
     * message, so it can be replayed into the input topic after a fix.
     */
    static Violation of(
            String rule,
            String field,
            String value,
            String expected,
            Severity severity,
            DeviceTest d,
            List<String> parameterNames) {
        Violation v = Violation.quarantining(
                rule,
                field,
                value,
                expected,
                severity,
                d.eventTime,
                d.eventTime,
                DeviceTestJson.toJson(d, parameterNames).getBytes(StandardCharsets.UTF_8));
        v.lotId = d.lotId;
        v.waferId = d.waferId;
        v.deviceId = d.deviceId;
        return v;
    }
}
