package io.waferflow.ingest.stdf;

import java.util.HashSet;
import java.util.Set;

/**
 * One wafer of a file on one head, from its WIR (or the file's fallback when there is none): its ids, the start time
 * its sites' clocks begin at, and the part ids seen on it (for duplicates; one entry per part of the wafer).
 */
final class WaferScope {

    /** Tells wafers apart for the site clocks, even two with one id. */
    final int serial;

    final String waferId;
    final String lotId;
    final long startMillis;
    final long offset;
    private final Set<String> partIds = new HashSet<>();

    WaferScope(int serial, String waferId, String lotId, long startMillis, long offset) {
        this.serial = serial;
        this.waferId = waferId;
        this.lotId = lotId;
        this.startMillis = startMillis;
        this.offset = offset;
    }

    /** False when the wafer already had a part with this id. */
    boolean firstPart(String partId) {
        return partIds.add(partId);
    }
}
