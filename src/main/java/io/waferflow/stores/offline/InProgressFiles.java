package io.waferflow.stores.offline;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The file sinks' in-progress files under an offline root ({@code .part-<uuid>-<n>.parquet.inprogress.<uuid>}), and
 * which of them a dead attempt left behind. The sinks roll every part file on each checkpoint and commit (rename) it as
 * soon as that checkpoint completes, so in a job that is checkpointing, a live in-progress file is one being written
 * since the checkpoint before last, or one waiting for the checkpoint in flight. A file last written well before the
 * latest completed checkpoint ({@link #orphanedBefore}) belongs to an attempt that died (a {@code kill -9}, a lost
 * TaskManager): its records were replayed from the checkpoint into new files, and it will never be committed.
 */
public final class InProgressFiles {

    /** One in-progress file. */
    public record InProgressFile(String path, long bytes, Instant lastModified) {}

    private InProgressFiles() {}

    /** Every in-progress file under {@code root} (a path or any Flink file system URI). */
    public static List<InProgressFile> under(String root) throws IOException {
        Path dir = new Path(root);
        FileSystem fs = dir.getFileSystem();
        List<InProgressFile> found = new ArrayList<>();
        if (fs.exists(dir)) {
            walk(fs, dir, found);
        }
        return found;
    }

    private static void walk(FileSystem fs, Path dir, List<InProgressFile> found) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        if (entries == null) {
            return;
        }
        for (FileStatus e : entries) {
            String name = e.getPath().getName();
            if (e.isDir()) {
                walk(fs, e.getPath(), found);
            } else if (name.startsWith(".part-") && name.contains(".inprogress")) {
                found.add(new InProgressFile(
                        e.getPath().toUri().toString(), e.getLen(), Instant.ofEpochMilli(e.getModificationTime())));
            }
        }
    }

    /**
     * The instant before which an in-progress file is an orphan, given the completion of the job's latest checkpoint
     * and its interval: two intervals and a minute before that checkpoint (a live file was written since the checkpoint
     * before last; the minute covers a slow checkpoint).
     */
    public static Instant orphanedBefore(Instant latestCheckpoint, Duration interval) {
        return latestCheckpoint.minus(interval.multipliedBy(2)).minus(Duration.ofMinutes(1));
    }

    /**
     * Whether the latest checkpoint says the job is running and checkpointing now: completed within two intervals and a
     * minute. Only then is the rule sound; a job that is down still holds pending files in its last checkpoint, and
     * commits them when it restarts.
     */
    public static boolean checkpointing(Instant latestCheckpoint, Duration interval, Instant now) {
        return !latestCheckpoint.isBefore(now.minus(interval.multipliedBy(2)).minus(Duration.ofMinutes(1)));
    }

    public static void delete(InProgressFile f) throws IOException {
        Path p = new Path(f.path());
        p.getFileSystem().delete(p, false);
    }
}
