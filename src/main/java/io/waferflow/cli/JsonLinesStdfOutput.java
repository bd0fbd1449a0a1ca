package io.waferflow.cli;

import io.waferflow.ingest.stdf.StdfIssue;
import io.waferflow.ingest.stdf.StdfPart;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --out FILE|-}: each part as one line of the input contract's JSON (exactly the bytes the input topic would
 * carry), to a file or standard output. Issues are not written: they are in the file report on standard error.
 */
final class JsonLinesStdfOutput implements StdfOutput {

    private final OutputStream out;
    private final String destination;
    private final boolean owned;

    private JsonLinesStdfOutput(OutputStream out, String destination, boolean owned) {
        this.out = out;
        this.destination = destination;
        this.owned = owned;
    }

    /** {@code -}: {@code stdout}; else the file, created or emptied. */
    static JsonLinesStdfOutput open(String target, PrintStream stdout) throws IOException {
        if ("-".equals(target)) {
            return new JsonLinesStdfOutput(stdout, "standard output (JSON lines)", false);
        }
        Path file = Path.of(target);
        return new JsonLinesStdfOutput(
                new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), file + " (JSON lines)", true);
    }

    @Override
    public void part(StdfPart part) throws IOException {
        out.write(part.toJson());
        out.write('\n');
    }

    @Override
    public void issue(StdfIssue issue) {
        // In the report only.
    }

    @Override
    public void endOfFile() throws IOException {
        out.flush();
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            out.close();
        } else {
            out.flush();
        }
    }
}
