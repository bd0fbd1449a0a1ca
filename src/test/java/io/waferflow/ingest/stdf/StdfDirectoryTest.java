package io.waferflow.ingest.stdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source's listing: STDF files directly in the directory (not in done/ or rejected/), oldest first, one split
 * per file named by its path; watching, a file is listed once two listings saw the same size and time.
 */
class StdfDirectoryTest {

    @TempDir
    Path dir;

    private Path file(String name, long modifiedSecond) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {0, 2, 0, 10, 2, 4});
        Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(modifiedSecond)));
        return f;
    }

    private static List<String> names(Collection<FileSourceSplit> splits) {
        return splits.stream().map(s -> s.path().getName()).toList();
    }

    private Collection<FileSourceSplit> list(StdfDirectory listing) throws Exception {
        return listing.enumerateSplits(
                new org.apache.flink.core.fs.Path[] {new org.apache.flink.core.fs.Path(dir.toUri())}, 2);
    }

    @Test
    void stdfFilesDirectlyInTheDirectoryOldestFirst() throws Exception {
        file("b.stdf", 2_000);
        file("a.stdf.gz", 3_000);
        file("c.std", 1_000);
        file("notes.txt", 500);
        file(".d.stdf", 500);
        file("done/old.stdf", 100);
        file("rejected/bad.stdf", 100);

        Collection<FileSourceSplit> splits = list(new StdfDirectory(false));

        assertThat(names(splits)).containsExactly("c.std", "b.stdf", "a.stdf.gz");
        assertThat(splits)
                .allSatisfy(s -> assertThat(s.splitId()).isEqualTo(s.path().toString()));
        assertThat(splits).allSatisfy(s -> assertThat(s.length()).isEqualTo(6));
    }

    @Test
    void watchingListsAFileOnceItStoppedChanging() throws Exception {
        StdfDirectory watching = new StdfDirectory(true);
        Path growing = file("w.stdf", 1_000);

        assertThat(list(watching)).as("first look").isEmpty();
        Files.write(growing, new byte[] {1}, StandardOpenOption.APPEND);
        Files.setLastModifiedTime(growing, FileTime.from(Instant.ofEpochSecond(1_001)));
        assertThat(list(watching)).as("grew since the first look").isEmpty();
        assertThat(names(list(watching))).as("unchanged since the last look").containsExactly("w.stdf");
    }
}
