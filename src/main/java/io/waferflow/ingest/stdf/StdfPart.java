package io.waferflow.ingest.stdf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.InputSchema;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One tested die of an STDF file in the input contract (SPEC 2.1, docs/pipeline.md), ready to publish: assembled from
 * its own PIR…PRR on one head/site.
 */
public final class StdfPart implements StdfItem {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> fields;
    private final long offset;
    private final int head;
    private final int site;

    StdfPart(LinkedHashMap<String, Object> fields, long offset, int head, int site) {
        this.fields = Collections.unmodifiableMap(fields);
        this.offset = offset;
        this.head = head;
        this.site = site;
    }

    public String waferId() {
        return (String) fields.get(InputSchema.WAFER_ID);
    }

    public String lotId() {
        return (String) fields.get(InputSchema.LOT_ID);
    }

    public String deviceId() {
        return (String) fields.get(InputSchema.DEVICE_ID);
    }

    /** Epoch milliseconds: its site's clock after its own test (docs/stdf.md). */
    public long eventTime() {
        return (Long) fields.get(InputSchema.EVENT_TIME);
    }

    /** The byte offset of its PRR in the uncompressed stream. */
    public long offset() {
        return offset;
    }

    public int head() {
        return head;
    }

    public int site() {
        return site;
    }

    /**
     * Field name → value in the input contract: event_time (epoch ms), lot_id, wafer_id, device_id, die_x, die_y,
     * test_time_ms, pass_fail (1/0), hard_bin, soft_bin, tester_id, then the mapped parameters (null when the test's
     * result is invalid or the test did not run), then (keep_all_tests) the other tests.
     */
    public Map<String, Object> fields() {
        return fields;
    }

    /** One JSON object, UTF-8: the bytes the input topic carries. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // strings, numbers and nulls only: cannot happen
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StdfPart p
                && offset == p.offset
                && head == p.head
                && site == p.site
                && fields.equals(p.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, fields);
    }

    @Override
    public String toString() {
        return "StdfPart@" + offset + fields;
    }
}
