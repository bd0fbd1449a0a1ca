package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import io.waferflow.config.registry.DefinitionFingerprint;
import io.waferflow.jobs.DefinitionCheck;
import io.waferflow.testing.LocalServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code waferflow features} with a real broker and Redis refuses, before it builds or submits anything, to write a
 * version whose rows were written with another definition.
 */
class FeaturesCommandDefinitionTest {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    @TempDir
    Path tmp;

    @Test
    void aChangedWindowUnderTheSameVersionIsRefusedAtStart() throws Exception {
        SERVICES.createTopics("fcd", 1);
        // What an earlier run of the job stored (its own start stores exactly this, see DefinitionCheckTest).
        List<String> firstRun = SERVICES.settings(tmp, "fcd");
        DefinitionCheck.verify(
                io.waferflow.TestConfigs.features(firstRun), DefinitionCheck.Use.WRITE, DefinitionCheck.Use.WRITE);
        String stored = DefinitionFingerprint.of(io.waferflow.TestConfigs.features(firstRun))
                .fingerprint();

        List<String> argv = new ArrayList<>();
        for (String s : SERVICES.settings(tmp, "fcd", "feature_group.window.size=2 min")) {
            argv.add("--set");
            argv.add(s);
        }
        assertThatThrownBy(() -> new FeaturesCommand().run(argv.toArray(new String[0])))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the definition of wafer_aggregates v1 changed without a new version")
                .hasMessageContaining("Redis fcd:registry:wafer_aggregates:v1 were written with " + stored)
                .hasMessageContaining("window.size: 1 min -> 2 min")
                .hasMessageContaining("set feature_group.version to v2");
        try (Jedis jedis = SERVICES.jedis()) {
            assertThat(jedis.keys("fcd:*"))
                    .as("nothing written, no version claimed")
                    .containsExactly("fcd:registry:wafer_aggregates:v1");
        }
        assertThat(tmp.resolve("checkpoints")).doesNotExist();
    }
}
