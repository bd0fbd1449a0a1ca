package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code offline orphans}: an in-progress file last written long before the running job's latest checkpoint is an
 * orphan and {@code --delete} removes it; a recent one is live and stays; with no fresh checkpoint (the job is down,
 * and will commit what its checkpoint holds) nothing is called an orphan.
 */
class OfflineCommandTest {

    @TempDir
    Path tmp;

    private Path file(String relative, Instant modified) throws Exception {
        Path f = tmp.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "PAR1");
        Files.setLastModifiedTime(f, FileTime.from(modified));
        return f;
    }

    private String run(String... extra) throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        String[] argv = new String[] {
            "orphans",
            "--set",
            "offline.root=" + tmp.resolve("data"),
            "--set",
            "checkpointing.dir=" + tmp.resolve("checkpoints"),
            "--set",
            "checkpointing.interval=30 s"
        };
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(argv), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        new OfflineCommand(new PrintStream(shown, true, StandardCharsets.UTF_8)).run(all);
        return shown.toString(StandardCharsets.UTF_8);
    }

    @Test
    void orphansOfADeadAttemptAreToldFromLiveFilesAndDeleted() throws Exception {
        Instant now = Instant.now();
        file("checkpoints/wafer_aggregates/v1/0123abcd/chk-7/_metadata", now.minusSeconds(5));
        Path orphan = file(
                "data/wafer_aggregates/version=v1/date=2026-11-27/.part-a-1.parquet.inprogress.x",
                now.minus(Duration.ofMinutes(10)));
        Path live = file("data/raw/date=2026-11-27/.part-b-3.parquet.inprogress.y", now.minusSeconds(20));
        Path committed = file("data/raw/date=2026-11-27/part-b-2.parquet", now.minus(Duration.ofHours(1)));

        String listed = run();
        assertThat(listed)
                .contains("orphan")
                .contains(".part-a-1.parquet.inprogress.x")
                .contains("2 in-progress files, 1 orphans");
        assertThat(orphan).exists();

        run("--delete");
        assertThat(orphan).doesNotExist();
        assertThat(live).exists();
        assertThat(committed).exists();
    }

    @Test
    void aJobThatIsNotCheckpointingHasNoOrphans() throws Exception {
        Instant now = Instant.now();
        file("checkpoints/wafer_aggregates/v1/0123abcd/chk-7/_metadata", now.minus(Duration.ofHours(1)));
        Path pending = file("data/raw/date=2026-11-27/.part-b-3.parquet.inprogress.y", now.minus(Duration.ofHours(2)));

        assertThat(run("--delete")).contains("no orphans named: the job is not checkpointing");
        assertThat(pending).as("possibly pending in the last checkpoint: kept").exists();
    }
}
