package io.waferflow.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stop-the-world GC pauses of a stretch of time: how many, their mean and longest, in ms. From a JVM's {@code -Xlog:gc}
 * file (every {@code Pause ...} line, to the microsecond: the server process of {@code bench serve}), or, for this JVM,
 * from its {@link GarbageCollectorMXBean}s (count and total time only: no longest).
 */
record GcPauses(long count, double totalMillis, double maxMillis) {

    /** {@code [12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(256M) 3.456ms}. */
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .* (\\d+(?:\\.\\d+)?)ms$");

    static final GcPauses NONE = new GcPauses(0, 0, 0);

    /** Where a GC log was read up to (the end of its last complete line). */
    record LogMark(Path file, long offset) {}

    /** The end of the log's complete lines now: pauses logged after it are {@link #fromLog}'s. */
    static LogMark markLog(Path file) throws IOException {
        return new LogMark(file, completeLength(file));
    }

    /** The pauses logged since {@code mark}. */
    static GcPauses fromLog(LogMark mark) throws IOException {
        long end = completeLength(mark.file());
        if (end <= mark.offset()) {
            return NONE;
        }
        byte[] bytes = new byte[(int) (end - mark.offset())];
        try (RandomAccessFile f = new RandomAccessFile(mark.file().toFile(), "r")) {
            f.seek(mark.offset());
            f.readFully(bytes);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /** The pauses of a GC log's text ({@code -Xlog:gc} lines). */
    static GcPauses parse(String log) {
        long count = 0;
        double total = 0;
        double max = 0;
        for (String line : log.split("\n")) {
            Matcher m = PAUSE.matcher(line.trim());
            if (m.find()) {
                double ms = Double.parseDouble(m.group(1));
                count++;
                total += ms;
                max = Math.max(max, ms);
            }
        }
        return new GcPauses(count, total, max);
    }

    /** This JVM's collections so far (count and total time; the longest is unknown: NaN). */
    static GcPauses ofThisJvm() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new GcPauses(count, millis, Double.NaN);
    }

    /** What this JVM collected since {@code before} ({@link #ofThisJvm}). */
    GcPauses minus(GcPauses before) {
        return new GcPauses(count - before.count, totalMillis - before.totalMillis, Double.NaN);
    }

    double meanMillis() {
        return count == 0 ? 0 : totalMillis / count;
    }

    /** {@code count / mean / max} in ms, as the bench prints it. */
    String text() {
        return String.format(
                Locale.ROOT,
                "%d / %.1f / %s",
                count,
                meanMillis(),
                Double.isNaN(maxMillis) ? "-" : String.format(Locale.ROOT, "%.1f", maxMillis));
    }

    private static long completeLength(Path file) throws IOException {
        if (!file.toFile().exists()) {
            return 0;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long end = f.length();
            while (end > 0) {
                f.seek(end - 1);
                if (f.read() == '\n') {
                    return end;
                }
                end--;
            }
            return 0;
        }
    }
}
