package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.config.ConfigException;
import io.waferflow.stores.online.ServingVersions;
import io.waferflow.testing.LocalServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The served-version pointer against a real redis-server: claim, guarded switch, rollback. */
class VersionCommandTest {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices();

    private String run(String... argv) throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(argv));
        all.addAll(java.util.List.of(
                "--set",
                "redis.host=" + SERVICES.redis().host(),
                "--set",
                "redis.port=" + SERVICES.redis().port()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(new VersionCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                        .run(all.toArray(new String[0])))
                .isZero();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void switchAndRollBackTheServedVersion() throws Exception {
        try (Jedis jedis = SERVICES.jedis()) {
            assertThat(run("show")).contains("no version claimed yet");
            ServingVersions versions = new ServingVersions(jedis, "wf");
            assertThat(versions.claimIfUnset("wafer_aggregates", "v1")).isTrue();
            assertThat(versions.claimIfUnset("wafer_aggregates", "v2"))
                    .as("a later version does not take over")
                    .isFalse();
            assertThat(run("show")).contains("current v1, previous -");

            assertThatThrownBy(() -> run("switch", "v2"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("has no features of group wafer_aggregates online");
            jedis.hset("wf:wafer_aggregates:v2:W0001", "features", "{\"yield_pct\":91.5}");
            assertThat(run("switch", "v2"))
                    .contains("serving v2 (was v1)")
                    .contains("note: Configuration key 'feature_group.version': version 'v2' of wafer_aggregates is not"
                            + " registered");
            assertThat(jedis.hget("wf:serving:wafer_aggregates", "current")).isEqualTo("v2");

            assertThat(run("rollback")).contains("serving v1 (was v2)");
            assertThat(jedis.hgetAll("wf:serving:wafer_aggregates"))
                    .containsEntry("current", "v1")
                    .containsEntry("previous", "v2");
        }
    }
}
