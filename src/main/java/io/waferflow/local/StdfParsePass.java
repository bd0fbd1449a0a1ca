package io.waferflow.local;

import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.Ftr;
import io.waferflow.ingest.stdf.Mpr;
import io.waferflow.ingest.stdf.Prr;
import io.waferflow.ingest.stdf.Ptr;
import io.waferflow.ingest.stdf.StdfData;
import io.waferflow.ingest.stdf.StdfDecoder;
import io.waferflow.ingest.stdf.StdfItem;
import io.waferflow.ingest.stdf.StdfPart;
import io.waferflow.ingest.stdf.StdfPartReader;
import io.waferflow.ingest.stdf.StdfReader;
import io.waferflow.ingest.stdf.StdfRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One way of reading an STDF file that {@code bench stdf} times: each pass reads the whole file on the calling thread
 * and returns how many records it saw, plus a checksum folded from what it read so that the JIT cannot drop the work.
 * The record layer alone (records, typed records), then the part reader as the ingestion uses it: the configured
 * mapping only, every test kept as a field, that plus the JSON the input topic carries, and the default blocking policy
 * (block_on: critical), which reads the file twice.
 */
enum StdfParsePass {
    RECORDS("StdfReader (records)") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            return eachRecord(file, r -> r.body().length + r.subtype());
        }
    },
    DECODED("+ StdfDecoder (typed)") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            return eachRecord(file, r -> checksum(StdfDecoder.decode(r)));
        }
    },
    PARTS("StdfPartReader (parts)") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            return onePass(file, config, false, false);
        }
    },
    PARTS_ALL_TESTS("+ keep_all_tests") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            return onePass(file, config, true, false);
        }
    },
    PARTS_JSON("+ keep_all_tests + JSON") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            return onePass(file, config, true, true);
        }
    },
    PARTS_BLOCKING("parts, block_on: critical") {
        @Override
        Result run(Path file, StdfConfig config) throws IOException {
            // What a job and `ingest stdf` do by default: a first pass decides blocking, the second emits the parts.
            StdfConfig blocking = config.withKeepAllTests(false).withBlockOn(io.waferflow.model.Severity.CRITICAL);
            try (StdfPartReader reader =
                    StdfPartReader.open(file.toString(), () -> Files.newInputStream(file), blocking)) {
                return parts(reader, false);
            }
        }
    };

    /**
     * The part reader over one stream (no blocking policy): mapped parameters only, or every test, with or without
     * JSON.
     */
    private static Result onePass(Path file, StdfConfig config, boolean keepAllTests, boolean json) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                StdfPartReader reader =
                        StdfPartReader.open(file.toString(), in, config.withKeepAllTests(keepAllTests))) {
            return parts(reader, json);
        }
    }

    final String label;

    StdfParsePass(String label) {
        this.label = label;
    }

    abstract Result run(Path file, StdfConfig config) throws IOException;

    /** Records (from the file report), parts, issues, and a checksum of event times and field counts or JSON sizes. */
    private static Result parts(StdfPartReader reader, boolean json) throws IOException {
        long check = 0;
        long parts = 0;
        long issues = 0;
        for (StdfItem item = reader.next(); item != null; item = reader.next()) {
            if (item instanceof StdfPart p) {
                parts++;
                check += p.eventTime() + (json ? p.toJson().length : p.fields().size());
            } else {
                issues++;
            }
        }
        long records = reader.report().records().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        return new Result(records, parts, issues, check);
    }

    /** Records read, parts and issues (parts -1 for the record passes), and a value depending on every record. */
    record Result(long records, long parts, long issues, long checksum) {}

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

    /** The record layer alone: every record of the file, each folded into the checksum by {@code check}. */
    private static Result eachRecord(Path file, java.util.function.ToLongFunction<StdfRecord> check)
            throws IOException {
        long records = 0;
        long sum = 0;
        try (InputStream in = Files.newInputStream(file);
                StdfReader reader = StdfReader.open(in)) {
            for (StdfRecord r = reader.next(); r != null; r = reader.next()) {
                records++;
                sum += check.applyAsLong(r);
            }
        }
        return new Result(records, -1, 0, sum);
    }
}
