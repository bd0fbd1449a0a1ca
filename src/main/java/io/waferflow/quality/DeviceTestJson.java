package io.waferflow.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.waferflow.config.InputSchema;
import io.waferflow.model.DeviceTest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes a validated record back as an input message (the input schema's field names, ISO-8601 event time), so a record
 * quarantined after parsing (e.g. too late) can be replayed into the input topic as it was. Written field by field
 * because its fields are the configured schema's, not a class's.
 */
public final class DeviceTestJson {

    private static final JsonFactory JSON = new JsonFactory();

    private DeviceTestJson() {}

    public static String toJson(DeviceTest d, List<String> parameterNames) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(
                    InputSchema.EVENT_TIME, Instant.ofEpochMilli(d.eventTime).toString());
            g.writeStringField(InputSchema.LOT_ID, d.lotId);
            g.writeStringField(InputSchema.WAFER_ID, d.waferId);
            g.writeStringField(InputSchema.DEVICE_ID, d.deviceId);
            g.writeNumberField(InputSchema.DIE_X, d.dieX);
            g.writeNumberField(InputSchema.DIE_Y, d.dieY);
            for (int i = 0; i < parameterNames.size(); i++) {
                if (Double.isNaN(d.parameters[i])) {
                    g.writeNullField(parameterNames.get(i));
                } else {
                    g.writeNumberField(parameterNames.get(i), d.parameters[i]);
                }
            }
            g.writeNumberField(InputSchema.TEST_TIME_MS, d.testTimeMs);
            g.writeNumberField(InputSchema.PASS_FAIL, d.passFail);
            writeNullableInt(g, InputSchema.HARD_BIN, d.hardBin);
            writeNullableInt(g, InputSchema.SOFT_BIN, d.softBin);
            if (d.testerId == null) {
                g.writeNullField(InputSchema.TESTER_ID);
            } else {
                g.writeStringField(InputSchema.TESTER_ID, d.testerId);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    private static void writeNullableInt(JsonGenerator g, String name, Integer v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }
}
