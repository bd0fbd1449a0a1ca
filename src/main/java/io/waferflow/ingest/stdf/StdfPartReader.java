package io.waferflow.ingest.stdf;

import io.waferflow.config.StdfConfig;
import io.waferflow.model.Severity;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads one STDF file as device-test parts and file-level issues, streamed: memory is one record, the open parts (one
 * per head/site), the file's tests and the part ids of the current wafers, whatever the file size.
 *
 * <p>Bad data never throws: a damaged or truncated stream is a {@link StdfRules#TRUNCATED} issue after every part
 * before it, and so on for every rule of {@link StdfRules}. Only an I/O error of the source itself propagates.
 *
 * <p>Blocking ({@code stdf.block_on}): a file that can be opened twice ({@link #open(String, Opener, StdfConfig)}) is
 * validated in a first pass; when it has an issue at or above {@code block_on}, the second pass emits every part it
 * would have published as a {@link StdfRules#FILE_BLOCKED} issue. A single stream cannot be read twice: it is read
 * without blocking, and the report says so.
 */
public final class StdfPartReader implements Closeable {

    /** Opens the file's bytes again (for the second pass of the blocking policy). */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final SourceStream source;
    private final StdfConfig config;
    private final boolean blockingApplied;
    private final StdfIssue blockedBy;
    private final ReportBuilder report;
    private final PartAssembler assembler;
    private final Deque<StdfItem> pending = new ArrayDeque<>();
    private StdfReader reader;
    private boolean finished;
    private StdfFileReport finalReport;

    private StdfPartReader(
            String file,
            InputStream in,
            StdfConfig config,
            boolean blockingApplied,
            StdfIssue blockedBy,
            long startNanos)
            throws IOException {
        this.source = new SourceStream(in);
        this.config = config;
        this.blockingApplied = blockingApplied;
        this.blockedBy = blockedBy;
        this.report = new ReportBuilder(file, startNanos);
        this.assembler = new PartAssembler(file, config, blockedBy, report, pending::add);
        try {
            reader = StdfReader.open(source);
        } catch (StdfFormatException e) {
            rethrowSourceFailure();
            assembler.truncated(e);
            finished = true;
        }
    }

    /** One pass over a stream, without blocking (it cannot be read twice). */
    public static StdfPartReader open(String file, InputStream in, StdfConfig config) throws IOException {
        return new StdfPartReader(file, in, config, false, null, System.nanoTime());
    }

    /**
     * With {@code block_on} set, a first pass over the file decides whether it is blocked; the returned reader is the
     * second pass. Without it, one pass.
     */
    public static StdfPartReader open(String file, Opener reopen, StdfConfig config) throws IOException {
        long start = System.nanoTime();
        StdfIssue blocking = null;
        if (config.blockOn() != null) {
            try (StdfPartReader first = new StdfPartReader(file, reopen.open(), config, true, null, start)) {
                blocking = first.firstBlockingIssue(config.blockOn());
            }
        }
        return new StdfPartReader(file, reopen.open(), config, true, blocking, start);
    }

    /** Reads to the end; the first issue at or above {@code blockOn}, or null. */
    private StdfIssue firstBlockingIssue(Severity blockOn) throws IOException {
        StdfIssue found = null;
        for (StdfItem item = next(); item != null; item = next()) {
            if (found == null && item instanceof StdfIssue i && i.severity().compareTo(blockOn) <= 0) {
                found = i;
            }
        }
        return found;
    }

    /** The next item in file order, or null at the end. */
    public StdfItem next() throws IOException {
        while (pending.isEmpty()) {
            if (finished) {
                return null;
            }
            StdfRecord r;
            try {
                r = reader.next();
            } catch (StdfFormatException e) {
                rethrowSourceFailure();
                assembler.truncated(e);
                finished = true;
                continue;
            }
            if (r == null) {
                assembler.end();
                finished = true;
            } else {
                assembler.accept(r);
            }
        }
        return pending.poll();
    }

    /** Complete once {@link #next()} has returned null; partial before. */
    public StdfFileReport report() {
        if (finalReport != null) {
            return finalReport;
        }
        StdfFileReport r = report.build(source.bytes(), blockingApplied, config.blockOn(), blockedBy);
        if (finished && pending.isEmpty()) {
            finalReport = r;
        }
        return r;
    }

    private void rethrowSourceFailure() throws IOException {
        if (source.failure() != null) {
            throw source.failure();
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        } else {
            source.close();
        }
    }
}
