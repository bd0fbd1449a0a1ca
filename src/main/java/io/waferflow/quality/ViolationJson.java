package io.waferflow.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A violation as one flat JSON object with the same field names as its Parquet row, for the violation topic. */
public final class ViolationJson {

    private static final JsonFactory JSON = new JsonFactory();

    private ViolationJson() {}

    public static byte[] toJson(Violation v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("rule", v.rule);
            g.writeStringField("field", v.field);
            g.writeStringField("value", v.value);
            g.writeStringField("expected", v.expected);
            g.writeStringField("severity", v.severity.name());
            g.writeStringField("lot_id", v.lotId);
            g.writeStringField("wafer_id", v.waferId);
            g.writeStringField("device_id", v.deviceId);
            if (v.eventTime == null) {
                g.writeNullField("event_time");
            } else {
                g.writeNumberField("event_time", v.eventTime);
            }
            g.writeNumberField("observed_at", v.observedAt);
            g.writeBooleanField("quarantined", v.quarantined);
            g.writeStringField("raw_payload", v.rawPayload);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
