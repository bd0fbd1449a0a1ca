package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code features} starts from: a savepoint given, else the most recently completed checkpoint of its own group
 * and version (whatever the job id and checkpoint number), else nothing. (The refusal when the consumer group has
 * committed offsets needs a broker: {@code KillAndRestartITCase}.)
 */
class StartingStateTest {

    @TempDir
    Path tmp;

    private FeaturesJobConfig config(String checkpoints) {
        return TestConfigs.features("checkpointing.dir=" + checkpoints, "kafka.starting_offsets=earliest");
    }

    private void checkpoint(String relative, Instant completed) throws Exception {
        Path metadata = tmp.resolve(relative).resolve("_metadata");
        Files.createDirectories(metadata.getParent());
        Files.writeString(metadata, "x");
        Files.setLastModifiedTime(metadata, FileTime.from(completed));
    }

    @Test
    void resumesFromTheMostRecentlyCompletedCheckpointOfItsOwnVersion() throws Exception {
        Instant now = Instant.now();
        checkpoint("wafer_aggregates/v1/aaaa/chk-90", now.minusSeconds(600)); // an older run with higher ids
        checkpoint("wafer_aggregates/v1/bbbb/chk-4", now.minusSeconds(60));
        Files.createDirectories(tmp.resolve("wafer_aggregates/v1/bbbb/chk-5")); // in progress: no _metadata
        checkpoint("wafer_aggregates/v2/cccc/chk-7", now); // another version's

        StartingState start = StartingState.decide(config(tmp.toString()), Optional.empty(), false);
        assertThat(start.restoreFrom()).endsWith("/wafer_aggregates/v1/bbbb/chk-4");
        assertThat(start.description()).startsWith("resuming from checkpoint 4 of job bbbb");
    }

    @Test
    void aSavepointGivenWinsAndFreshStartsWithoutState() throws Exception {
        checkpoint("wafer_aggregates/v1/bbbb/chk-4", Instant.now());
        FeaturesJobConfig c = config(tmp.toString());

        assertThat(StartingState.decide(c, Optional.of("file:/sp/savepoint-1"), false)
                        .restoreFrom())
                .isEqualTo("file:/sp/savepoint-1");
        StartingState fresh = StartingState.decide(c, Optional.empty(), true);
        assertThat(fresh.restoreFrom()).isNull();
        assertThat(fresh.description()).contains("--fresh");
        assertThatThrownBy(() -> StartingState.decide(c, Optional.of("file:/sp/savepoint-1"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--fresh");
    }

    @Test
    void anEmptyOrUnreadableCheckpointDirectoryIsNoState() {
        assertThat(StartingState.decide(config(tmp.toString()), Optional.empty(), false)
                        .restoreFrom())
                .isNull();
        StartingState unreadable =
                StartingState.decide(config("nosuchfs://bucket/checkpoints"), Optional.empty(), false);
        assertThat(unreadable.restoreFrom()).isNull();
        assertThat(unreadable.description())
                .contains("cannot be read from this machine")
                .contains("kafka.starting_offsets=earliest");
    }
}
