package io.waferflow.ingest.stdf;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The file's own stream, counted, remembering an I/O error it threw: {@link StdfReader} reports every read failure as a
 * {@link StdfFormatException} (damaged data), and this tells a genuine I/O error of the source apart from bad data.
 */
final class SourceStream extends FilterInputStream {

    private long bytes;
    private IOException failure;

    SourceStream(InputStream in) {
        super(in);
    }

    long bytes() {
        return bytes;
    }

    /** The I/O error the source threw, or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        bytes += s;
        return s;
    }
}
