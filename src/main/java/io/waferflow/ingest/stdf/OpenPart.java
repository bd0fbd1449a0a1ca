package io.waferflow.ingest.stdf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A part being tested on one head/site: opened by its PIR, filled by the PTR/MPR/FTRs of its head/site, closed by its
 * PRR. Multi-site testers interleave several open parts; each collects only its own results.
 */
final class OpenPart {

    final int head;
    final int site;
    /** The PIR's byte offset. */
    final long offset;
    /** The wafer the part belongs to, fixed at its PIR. */
    final WaferScope wafer;

    /** Mapped parameters in configuration order (null until a valid result), then kept tests in order of arrival. */
    private final LinkedHashMap<String, Double> values = new LinkedHashMap<>();

    OpenPart(int head, int site, long offset, WaferScope wafer, Iterable<String> mappedParameters) {
        this.head = head;
        this.site = site;
        this.offset = offset;
        this.wafer = wafer;
        for (String p : mappedParameters) {
            values.put(p, null);
        }
    }

    /** A test's result; null: invalid. A test run twice on one part keeps its last result. */
    void put(String field, Double value) {
        values.put(field, value == null || !Double.isFinite(value) ? null : value);
    }

    Map<String, Double> values() {
        return values;
    }
}
