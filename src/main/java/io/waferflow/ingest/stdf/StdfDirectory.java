package io.waferflow.ingest.stdf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The STDF files directly in a directory ({@link StdfFileNames}; subdirectories such as {@code done/} and
 * {@code rejected/} of {@code ingest stdf --follow} are not read), one split per file, oldest first (by modification
 * time, then name), each split named by its path so that ids stay unique across restores.
 *
 * <p>Watching a directory ({@code settled}), a file is listed only once its size and modification time were the same at
 * the previous listing: a tester still writing it is not read half-way. Copy tools that write to a dot-file and rename
 * it need no wait, and get none beyond one monitoring interval.
 */
public final class StdfDirectory implements FileEnumerator {

    private final boolean settled;
    /** Per path, size and modification time at the previous listing (watching only). */
    private Map<Path, List<Long>> previous = new HashMap<>();

    public StdfDirectory(boolean settled) {
        this.settled = settled;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
        Map<Path, List<Long>> listing = new HashMap<>();
        List<FileStatus> files = new ArrayList<>();
        for (Path path : paths) {
            FileSystem fs = path.getFileSystem();
            FileStatus status = fs.getFileStatus(path);
            FileStatus[] listed = status.isDir() ? fs.listStatus(path) : new FileStatus[] {status};
            for (FileStatus f : listed == null ? new FileStatus[0] : listed) {
                if (f.isDir() || !StdfFileNames.matches(f.getPath().getName())) {
                    continue;
                }
                List<Long> look = List.of(f.getLen(), f.getModificationTime());
                listing.put(f.getPath(), look);
                if (!settled || look.equals(previous.get(f.getPath()))) {
                    files.add(f);
                }
            }
        }
        previous = listing;
        files.sort(Comparator.comparingLong(FileStatus::getModificationTime)
                .thenComparing(f -> f.getPath().toString()));
        List<FileSourceSplit> splits = new ArrayList<>(files.size());
        for (FileStatus f : files) {
            splits.add(new FileSourceSplit(
                    f.getPath().toString(), f.getPath(), 0, f.getLen(), f.getModificationTime(), f.getLen()));
        }
        return splits;
    }
}
