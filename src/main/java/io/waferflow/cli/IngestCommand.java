package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.stdf.StdfFileNames;
import io.waferflow.ingest.stdf.StdfFileReport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingest stdf}: STDF files from wafer testers into the input topic (parts) and the violation topic (file-level
 * issues), or as JSON lines; once, or watching a directory. The reading is {@code StdfPartReader}'s; this command
 * chooses the files, the output and the pace, and moves watched files when done.
 */
@CommandLine.Command(
        name = "ingest",
        synopsisSubcommandLabel = "COMMAND",
        description = "read tester files into the input topic (ingest stdf)")
public final class IngestCommand implements Command {

    /** Exit code: every file was read, and at least one was blocked by stdf.block_on. */
    public static final int BLOCKED = 3;
    /** Exit code: stopped (Ctrl-C) before every file named was read, or failed. */
    public static final int STOPPED = 1;

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    /** Counted down to stop: Ctrl-C, or {@link #stop()}. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Counted down when the command has ended, so Ctrl-C waits for the file being read. */
    private final CountDownLatch finished = new CountDownLatch(1);

    public IngestCommand() {
        this(System.out, System.err);
    }

    public IngestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses and runs as {@code waferflow ingest argv...}, printing to this command's streams. */
    @Override
    public int run(String... argv) throws Exception {
        return CommandRunner.run(new CommandLine(this), out, err, argv);
    }

    /** Ends a running {@code ingest stdf} after the file it is reading (and at once while it waits). */
    public void stop() {
        stop.countDown();
    }

    @CommandLine.Command(
            name = "stdf",
            description = {
                "read STDF V4 files into the input topic: one record per tested part, file-level issues as violations",
                "",
                "Reads each file (plain, .gz or .bz2, either byte order; docs/stdf.md) into device-test records in the"
                        + " input contract: the parameters named in stdf.parameters (and with stdf.keep_all_tests every"
                        + " other test), event time from the wafer's start plus each site's test times. Each record"
                        + " goes to kafka.input_topic keyed by wafer id, each file-level issue (truncated file, part"
                        + " without PRR, duplicate part id, ...) to kafka.violations_topic as the feature job writes"
                        + " violations; an idempotent producer with acks=all. A file with an issue at or above"
                        + " stdf.block_on publishes no record: each of its parts becomes a stdf_file_blocked"
                        + " violation. The file's report (counts, issues by rule and severity, recommendations) goes"
                        + " to standard error.",
                "",
                "With --out the records are written as JSON lines instead (to look at a file, or to feed another"
                        + " system); nothing goes to Kafka and issues are only in the report.",
                "",
                "With --follow DIR the command then watches DIR: a new STDF file (*.stdf, *.std, also .gz and .bz2;"
                        + " names starting with . or _ are ignored) is read once its size stayed the same over two"
                        + " polls, then moved to DIR/done/, or to DIR/rejected/ when it was blocked. Ctrl-C stops"
                        + " after the file being read; a file stopped half-way stays in DIR and is read again next"
                        + " time (the job drops the parts it already has as duplicates)."
            },
            footer = {
                "",
                "Exit codes: 0 every file read and none blocked; " + BLOCKED + " every file read, at least one blocked"
                        + " (its parts are violations, the file is in DIR/rejected/ when watching); 1 failed (a file"
                        + " could not be read, Kafka refused a record) or stopped before every PATH was read; 2 usage"
                        + " or configuration error.",
                "",
                "Examples:",
                "  waferflow ingest stdf lot42/*.stdf.gz",
                "  waferflow ingest stdf wafer.stdf --out - | head",
                "  waferflow ingest stdf --follow /data/tester-drop --report reports.jsonl"
            })
    int stdf(
            @Parameters(
                            paramLabel = "PATH",
                            arity = "0..*",
                            description = "STDF files, or directories whose STDF files to read (oldest first)")
                    List<Path> paths,
            @Option(
                            names = "--follow",
                            paramLabel = "DIR",
                            description = "then watch DIR for new files until Ctrl-C; done ones move to DIR/done/,"
                                    + " blocked ones to DIR/rejected/")
                    Path follow,
            @Option(
                            names = "--out",
                            paramLabel = "FILE|-",
                            description = "write the records as JSON lines to FILE or, with -, standard output"
                                    + " (instead of Kafka)")
                    String outTarget,
            @Option(
                            names = "--speed",
                            paramLabel = "tester|max",
                            defaultValue = "max",
                            description = "tester: publish at the pace the parts were tested (event time); max: as"
                                    + " fast as possible (default)")
                    String speed,
            @Option(
                            names = "--report",
                            paramLabel = "FILE",
                            description = "also write each file's report as one JSON line to FILE")
                    Path reportFile,
            @Option(
                            names = "--poll",
                            paramLabel = "DURATION",
                            defaultValue = "2 s",
                            description = "with --follow: how often DIR is listed (default ${DEFAULT-VALUE})")
                    Duration poll,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        List<Path> files = new ArrayList<>(files(paths == null ? List.of() : paths));
        if (follow != null) {
            // The watch reads (and moves) the files in DIR itself: named as PATHs too, they would be read twice.
            Path watched = follow.toAbsolutePath().normalize();
            files.removeIf(f -> watched.equals(f.toAbsolutePath().normalize().getParent()));
        }
        if (files.isEmpty() && follow == null) {
            throw new ConfigException(
                    "PATH", "names no STDF file", "give STDF files or directories holding some, or --follow DIR");
        }
        if (follow != null && !Files.isDirectory(follow)) {
            throw new ConfigException("--follow", follow + " is not a directory", "create it or correct the path");
        }
        boolean paced = paced(speed);
        FeaturesJobConfig c = configOptions.load();
        Thread hook = ctrlC();
        try (StdfOutput output =
                        outTarget == null ? KafkaStdfOutput.open(c) : JsonLinesStdfOutput.open(outTarget, out);
                OutputStream reports =
                        reportFile == null ? null : new BufferedOutputStream(Files.newOutputStream(reportFile))) {
            StdfIngestion ingestion = new StdfIngestion(c.stdf(), output, new TesterPace(paced, stop), err, reports);
            boolean blocked = false;
            for (Path file : files) {
                StdfFileReport report = stop.getCount() == 0 ? null : ingestion.ingest(file);
                if (report == null) {
                    return STOPPED;
                }
                blocked |= report.blocked();
            }
            if (follow != null) {
                blocked |= new StdfDirectoryWatch(follow, poll, ingestion, err).run(stop);
            }
            return blocked ? BLOCKED : 0;
        } finally {
            finished.countDown();
            removeHook(hook);
        }
    }

    /** On Ctrl-C or SIGTERM: stop, and let the file being read finish (at most {@link #STOP_GRACE}). */
    private Thread ctrlC() {
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "waferflow-ingest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it is what waits for this command to end.
        }
    }

    private static boolean paced(String speed) {
        switch (speed.toLowerCase(Locale.ROOT)) {
            case "tester":
                return true;
            case "max":
                return false;
            default:
                throw new ConfigException("--speed", "is '" + speed + "'", "write tester or max");
        }
    }

    /** The files named, and the STDF files directly in the directories named (oldest first, then by name). */
    static List<Path> files(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                if (!Files.isRegularFile(p)) {
                    throw new ConfigException("PATH", p + " does not exist", "correct the path");
                }
                files.add(p);
                continue;
            }
            try (Stream<Path> listed = Files.list(p)) {
                List<Path> inDir = new ArrayList<>(listed.filter(f -> Files.isRegularFile(f)
                                && StdfFileNames.matches(f.getFileName().toString()))
                        .toList());
                inDir.sort(Comparator.comparing(IngestCommand::modified).thenComparing(Path::toString));
                files.addAll(inDir);
            }
        }
        return files;
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
