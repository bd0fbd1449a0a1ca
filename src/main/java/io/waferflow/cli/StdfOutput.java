package io.waferflow.cli;

import io.waferflow.ingest.stdf.StdfIssue;
import io.waferflow.ingest.stdf.StdfPart;
import java.io.Closeable;
import java.io.IOException;

/** Where {@code ingest stdf} puts what it reads: the Kafka topics, or JSON lines. */
interface StdfOutput extends Closeable {

    void part(StdfPart part) throws IOException;

    void issue(StdfIssue issue) throws IOException;

    /**
     * Everything given so far is stored (written and flushed, or acknowledged by the broker); throws if any of it was
     * refused. A file is moved to {@code done/} only after this returned.
     */
    void endOfFile() throws IOException;

    /** For the console: where parts and issues go. */
    String destination();
}
