package io.waferflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.config.StdfConfig;
import io.waferflow.ingest.stdf.StdfFileReport;
import io.waferflow.ingest.stdf.StdfIssue;
import io.waferflow.ingest.stdf.StdfItem;
import io.waferflow.ingest.stdf.StdfPart;
import io.waferflow.ingest.stdf.StdfPartReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one STDF file ({@link StdfPartReader}, opened twice when the blocking policy validates the whole file first)
 * into an {@link StdfOutput}, at the chosen pace, then prints its report on standard error and appends it, as one JSON
 * line, to the {@code --report} file.
 */
final class StdfIngestion {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StdfConfig config;
    private final StdfOutput output;
    private final TesterPace pace;
    private final PrintStream err;
    /** {@code --report FILE}, or null. */
    private final OutputStream reports;

    StdfIngestion(StdfConfig config, StdfOutput output, TesterPace pace, PrintStream err, OutputStream reports) {
        this.config = config;
        this.output = output;
        this.pace = pace;
        this.err = err;
        this.reports = reports;
    }

    /**
     * The file's report once everything read from it is stored; null if stopped (Ctrl-C) half-way, when what was sent
     * stays sent and the file is to be read again.
     */
    StdfFileReport ingest(Path file) throws IOException, InterruptedException {
        err.println("waferflow ingest stdf: " + file + " -> " + output.destination());
        pace.newFile();
        try (StdfPartReader reader = StdfPartReader.open(file.toString(), () -> Files.newInputStream(file), config)) {
            for (StdfItem item = reader.next(); item != null; item = reader.next()) {
                if (item instanceof StdfPart part) {
                    if (!pace.awaitDue(part.eventTime())) {
                        output.endOfFile();
                        err.println("waferflow ingest stdf: stopped in the middle of " + file);
                        return null;
                    }
                    output.part(part);
                } else {
                    output.issue((StdfIssue) item);
                }
            }
            output.endOfFile();
            StdfFileReport report = reader.report();
            err.print(report.toText());
            err.flush();
            if (reports != null) {
                // One line per file, whatever layout the report's own JSON has.
                reports.write(JSON.writeValueAsBytes(JSON.readTree(report.toJson())));
                reports.write('\n');
                reports.flush();
            }
            return report;
        }
    }
}
