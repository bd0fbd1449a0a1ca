package io.waferflow.cli;

import io.waferflow.ingest.stdf.StdfFileNames;
import io.waferflow.ingest.stdf.StdfFileReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ingest stdf --follow DIR}: lists the directory every poll interval and ingests each STDF file
 * ({@link StdfFileNames}) once its size and modification time were the same at two listings in a row (a tester still
 * writing it is left alone), oldest first, then moves it to {@code DIR/done/}, or to {@code DIR/rejected/} when the
 * blocking policy blocked it. A name already taken there gets a numbered suffix, so nothing is overwritten. Runs until
 * stopped (Ctrl-C); a file being read then stays where it is, to be read again by the next run.
 */
final class StdfDirectoryWatch {

    static final String DONE = "done";
    static final String REJECTED = "rejected";

    private final Path dir;
    private final Duration poll;
    private final StdfIngestion ingestion;
    private final PrintStream err;

    StdfDirectoryWatch(Path dir, Duration poll, StdfIngestion ingestion, PrintStream err) {
        this.dir = dir;
        this.poll = poll;
        this.ingestion = ingestion;
        this.err = err;
    }

    /** Watches until {@code stop} is counted down; whether any file was blocked. */
    boolean run(CountDownLatch stop) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve(DONE));
        Files.createDirectories(dir.resolve(REJECTED));
        err.println("waferflow ingest stdf: watching " + dir + " every " + poll.toMillis() + " ms (Ctrl-C stops)");
        Map<Path, List<Object>> previous = new HashMap<>();
        boolean blocked = false;
        while (stop.getCount() > 0) {
            Map<Path, List<Object>> now = list();
            for (Path file : oldestFirst(now)) {
                if (stop.getCount() == 0 || !now.get(file).equals(previous.get(file))) {
                    continue;
                }
                StdfFileReport report = ingestion.ingest(file);
                if (report == null) {
                    return blocked;
                }
                blocked |= report.blocked();
                Path to = moveInto(file, report.blocked() ? REJECTED : DONE);
                err.println("waferflow ingest stdf: " + file.getFileName() + " moved to " + to);
                now.remove(file);
            }
            previous = now;
            if (stop.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        return blocked;
    }

    /** Per STDF file directly in the directory: its size and modification time. */
    private Map<Path, List<Object>> list() throws IOException {
        Map<Path, List<Object>> files = new HashMap<>();
        try (Stream<Path> listed = Files.list(dir)) {
            for (Path p : (Iterable<Path>) listed::iterator) {
                if (!StdfFileNames.matches(p.getFileName().toString())) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.put(p, List.of(a.size(), a.lastModifiedTime().toMillis()));
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // Moved away between the listing and the look: nothing to read.
                }
            }
        }
        return files;
    }

    private static List<Path> oldestFirst(Map<Path, List<Object>> files) {
        List<Path> order = new ArrayList<>(files.keySet());
        order.sort(Comparator.comparing((Path p) -> (Long) files.get(p).get(1)).thenComparing(Path::toString));
        return order;
    }

    private Path moveInto(Path file, String subdirectory) throws IOException {
        Path target = dir.resolve(subdirectory).resolve(file.getFileName());
        for (int n = 1; Files.exists(target); n++) {
            target = dir.resolve(subdirectory).resolve(file.getFileName() + "." + n);
        }
        return Files.move(file, target);
    }
}
