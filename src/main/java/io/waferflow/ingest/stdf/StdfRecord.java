package io.waferflow.ingest.stdf;

import java.nio.ByteOrder;

/**
 * One record as it was in the stream: REC_TYP, REC_SUB, the byte offset of its header in the uncompressed stream, and
 * its body (REC_LEN bytes) in the file's byte order.
 */
public record StdfRecord(int type, int subtype, long offset, byte[] body, ByteOrder order) {

    /** The body's fields, read in the file's byte order. */
    public StdfFields fields() {
        return new StdfFields(body, order);
    }
}
