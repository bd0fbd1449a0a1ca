package io.waferflow.local;

import io.waferflow.ingest.stdf.Ftr;
import io.waferflow.ingest.stdf.Mpr;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.StdfData;
import io.waferflow.ingest.stdf.StdfDecoder;
import io.waferflow.ingest.stdf.StdfReader;
import io.waferflow.ingest.stdf.StdfRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One way of reading an STDF file that {@code bench stdf} times: each pass reads the whole file on the calling thread
 * and returns how many records it saw, plus a checksum folded from what it read so that the JIT cannot drop the work.
 */
enum StdfParsePass {
    RECORDS("StdfReader (records)") {
        @Override
        Result run(Path file) throws IOException {
            long records = 0;
            long check = 0;
            try (InputStream in = Files.newInputStream(file);
                    StdfReader reader = StdfReader.open(in)) {
                for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                    records++;
                    check += r.body().length + r.subtype();
                }
            }
            return new Result(records, check);
        }
    },
    DECODED("+ StdfDecoder (typed)") {
        @Override
        Result run(Path file) throws IOException {
            long records = 0;
            long check = 0;
            try (InputStream in = Files.newInputStream(file);
                    StdfReader reader = StdfReader.open(in)) {
                for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                    records++;
                    check += checksum(StdfDecoder.decode(r));
                }
            }
            return new Result(records, check);
        }
    };

    final String label;

    StdfParsePass(String label) {
        this.label = label;
    }

    abstract Result run(Path file) throws IOException;

    /** Records read, and a value depending on every one of them. */
    record Result(long records, long checksum) {}

    private static long checksum(StdfData d) {
        if (d instanceof Ptr p) {
            return Float.floatToRawIntBits(p.result()) + p.testText().length() + p.testNumber();
        }
        if (d instanceof Prr p) {
            return p.x() * 31L + p.y() + p.partId().length();
        }
        if (d instanceof Mpr m) {
            return m.results().size();
        }
        if (d instanceof Ftr f) {
            return f.failCount();
        }
        return 1;
    }
}
