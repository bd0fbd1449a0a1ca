package io.waferflow.ingest.stdf;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads STDF V4 records one at a time from a plain, gzip or bzip2 stream (told apart by magic bytes, not by file name).
 * Memory is one record body (REC_LEN is a U2, so at most 65,535 bytes) whatever the file size. Hand-written: no library
 * reads STDF V4 well.
 *
 * <p>The first record must be the FAR. Its REC_LEN is always 2, so its first two bytes say the header's byte order (00
 * 02 big-endian, 02 00 little-endian), and its CPU_TYPE (1 Sun/big-endian, 2 x86/little-endian) must agree; that order
 * then holds for every header and field. A truncated header or body, or a REC_LEN running past the end, throws
 * {@link StdfFormatException} naming the record's byte offset, after every good record before it was returned; the
 * reader then reports the end.
 */
public final class StdfReader implements Closeable {

    private static final int FAR_TYPE = 0;
    private static final int FAR_SUBTYPE = 10;

    private final InputStream in;
    // Records are cut out of this buffer (one copy per body) instead of read through a BufferedInputStream: it holds a
    // whole record at least (4 + 65,535 bytes), so every header and body is one bounds check and one arraycopy.
    private final byte[] buf = new byte[1 << 17];
    private int pos;
    private int limit;
    private ByteOrder order;
    private long offset;
    private boolean done;

    private StdfReader(InputStream in) {
        this.in = in;
    }

    /** A reader over {@code raw}, decompressing gzip or bzip2 when the stream starts with their magic bytes. */
    public static StdfReader open(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(3);
        int b0 = buffered.read();
        int b1 = buffered.read();
        int b2 = buffered.read();
        buffered.reset();
        try {
            if (b0 == 0x1F && b1 == 0x8B) {
                return new StdfReader(new GZIPInputStream(buffered, 1 << 16));
            }
            if (b0 == 'B' && b1 == 'Z' && b2 == 'h') {
                return new StdfReader(new BZip2CompressorInputStream(buffered, true));
            }
        } catch (IOException e) {
            throw new StdfFormatException(0, "unreadable compressed stream: " + e.getMessage(), e);
        }
        return new StdfReader(buffered);
    }

    /** The file's byte order, known once the FAR has been read (null before). */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The next record, or null at the end of the stream (or after an error was thrown). */
    public StdfRecord next() throws StdfFormatException {
        if (done) {
            return null;
        }
        long at = offset;
        try {
            int got = Math.min(fill(4), 4);
            if (got == 0) {
                done = true;
                return null;
            }
            if (got < 4) {
                throw fail(at, "truncated record header: " + got + " of 4 bytes before the end");
            }
            byte[] b = buf;
            int p = pos;
            if (order == null) {
                order = headerOrder(at, b[p], b[p + 1]);
            }
            int len = order == ByteOrder.BIG_ENDIAN
                    ? (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF)
                    : (b[p + 1] & 0xFF) << 8 | (b[p] & 0xFF);
            int type = b[p + 2] & 0xFF;
            int subtype = b[p + 3] & 0xFF;
            int available = fill(4 + len) - 4;
            if (available < len) {
                throw fail(
                        at,
                        "record " + type + "/" + subtype + " declares REC_LEN " + len + " but only " + available
                                + " bytes remain (truncated body or impossible length)");
            }
            p = pos;
            byte[] body = java.util.Arrays.copyOfRange(buf, p + 4, p + 4 + len);
            pos = p + 4 + len;
            offset = at + 4 + len;
            if (at == 0) {
                checkFar(type, subtype, body);
            }
            return new StdfRecord(type, subtype, at, body, order);
        } catch (StdfFormatException e) {
            throw e;
        } catch (IOException e) {
            // a damaged compressed stream: the records before it are already out
            throw fail(at, "unreadable stream: " + e.getMessage(), e);
        }
    }

    private ByteOrder headerOrder(long at, byte b0, byte b1) throws StdfFormatException {
        if (b0 == 0 && b1 == 2) {
            return ByteOrder.BIG_ENDIAN;
        }
        if (b0 == 2 && b1 == 0) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        throw fail(at, "not STDF V4: the first record's REC_LEN is not 2 (a FAR) in either byte order");
    }

    private void checkFar(int type, int subtype, byte[] body) throws StdfFormatException {
        if (type != FAR_TYPE || subtype != FAR_SUBTYPE) {
            throw fail(0, "not STDF V4: the first record is " + type + "/" + subtype + ", not the FAR (0/10)");
        }
        int cpu = body[0] & 0xFF;
        ByteOrder expected = cpu == 1 ? ByteOrder.BIG_ENDIAN : cpu == 2 ? ByteOrder.LITTLE_ENDIAN : null;
        if (expected == null) {
            throw fail(0, "unsupported FAR CPU_TYPE " + cpu + " (1 = big-endian, 2 = little-endian)");
        }
        if (expected != order) {
            throw fail(0, "FAR CPU_TYPE " + cpu + " contradicts the header's byte order " + order);
        }
        if ((body[1] & 0xFF) != 4) {
            throw fail(0, "unsupported STDF_VER " + (body[1] & 0xFF) + " (only 4)");
        }
    }

    private StdfFormatException fail(long at, String message) {
        done = true;
        return new StdfFormatException(at, message);
    }

    private StdfFormatException fail(long at, String message, Throwable cause) {
        done = true;
        return new StdfFormatException(at, message, cause);
    }

    /**
     * Makes {@code n} bytes from {@code pos} available in the buffer, reading more (after moving the rest to the front)
     * as needed; returns how many are available, fewer than {@code n} only at the end of the stream.
     */
    private int fill(int n) throws IOException {
        if (limit - pos >= n) {
            return limit - pos;
        }
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                break;
            }
            limit += r;
        }
        return limit;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
