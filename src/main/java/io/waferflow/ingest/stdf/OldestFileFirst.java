package io.waferflow.ingest.stdf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands out files in the order they were listed ({@link StdfDirectory}: oldest first), whichever reader asks. Flink's
 * default assigners prefer locality and do not keep the listing order; here the order matters more: each reader's
 * watermark follows the files it read, so a file read after a much newer one has parts that may be late.
 */
public final class OldestFileFirst implements FileSplitAssigner {

    private final ArrayDeque<FileSourceSplit> splits;

    public OldestFileFirst(Collection<FileSourceSplit> initial) {
        this.splits = new ArrayDeque<>(initial);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(splits.pollFirst());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> added) {
        splits.addAll(added);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        return new ArrayList<>(splits);
    }
}
