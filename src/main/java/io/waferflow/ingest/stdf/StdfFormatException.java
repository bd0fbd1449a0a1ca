package io.waferflow.ingest.stdf;

import java.io.IOException;

/** A stream that is not (or no longer) valid STDF V4: a truncated header or body, or an impossible first record. */
public final class StdfFormatException extends IOException {

    private final long offset;

    public StdfFormatException(long offset, String message) {
        super("STDF error at byte offset " + offset + ": " + message);
        this.offset = offset;
    }

    public StdfFormatException(long offset, String message, Throwable cause) {
        this(offset, message);
        initCause(cause);
    }

    /** The byte offset in the uncompressed stream of the record (header) where the stream went wrong. */
    public long offset() {
        return offset;
    }
}
