package io.waferflow.jobs;

import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The checkpoints a job left behind under its checkpoint directory ({@code <dir>/<job id>/chk-<n>/_metadata}, the
 * layout Flink writes), read with Flink's file systems so any checkpoint URI works. A checkpoint counts once its
 * {@code _metadata} exists: Flink writes that file last, when the checkpoint is complete.
 */
public final class RetainedCheckpoints {

    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    /** One completed checkpoint: its directory (what {@code -s} / {@code execution.savepoint.path} take). */
    public record Checkpoint(String path, String jobId, long id, Instant completedAt) {}

    private RetainedCheckpoints() {}

    /** The most recently completed checkpoint of any job under {@code directory}, if there is one. */
    public static Optional<Checkpoint> latest(String directory) throws IOException {
        Path root = new Path(directory);
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            return Optional.empty();
        }
        Checkpoint latest = null;
        Comparator<Checkpoint> order =
                Comparator.comparing(Checkpoint::completedAt).thenComparingLong(Checkpoint::id);
        for (FileStatus job : list(fs, root)) {
            if (!job.isDir()) {
                continue;
            }
            for (FileStatus chk : list(fs, job.getPath())) {
                Matcher m = CHECKPOINT.matcher(chk.getPath().getName());
                if (!chk.isDir() || !m.matches()) {
                    continue;
                }
                Path metadata = new Path(chk.getPath(), "_metadata");
                FileStatus done;
                try {
                    done = fs.getFileStatus(metadata);
                } catch (java.io.FileNotFoundException incomplete) {
                    continue;
                }
                Checkpoint c = new Checkpoint(
                        chk.getPath().toUri().toString(),
                        job.getPath().getName(),
                        Long.parseLong(m.group(1)),
                        Instant.ofEpochMilli(done.getModificationTime()));
                if (latest == null || order.compare(c, latest) > 0) {
                    latest = c;
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /** A directory that a concurrent clean-up removed lists as empty. */
    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        try {
            FileStatus[] entries = fs.listStatus(dir);
            return entries == null ? new FileStatus[0] : entries;
        } catch (java.io.FileNotFoundException gone) {
            return new FileStatus[0];
        }
    }
}
