package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.TestConfigs;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.DefinitionFingerprint;
import io.waferflow.config.registry.TestRegistries;
import io.waferflow.jobs.DefinitionCheck.Use;
import io.waferflow.local.services.LocalRedis;
import io.waferflow.stores.online.RedisClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The registry refuses a silent definition change: against a real redis-server and a real offline directory, the first
 * writer of a version stores its definition's fingerprint, the same definition starts again, a changed one under the
 * same version is refused, and under a new registered version it is accepted.
 */
class DefinitionCheckTest {

    private static LocalRedis redis;
    private static Jedis jedis;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.start();
        jedis = RedisClients.jedis(redis.connection());
    }

    @AfterAll
    static void stop() throws Exception {
        jedis.close();
        redis.close();
    }

    @BeforeEach
    void empty() {
        jedis.flushAll();
    }

    private FeaturesJobConfig config(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "redis.host=" + redis.host(),
                "redis.port=" + redis.port(),
                "offline.root=" + dir.resolve("offline"),
                "feature_group.registry=" + TestRegistries.withV2(dir.resolve("registry"))));
        all.addAll(Arrays.asList(overrides));
        return TestConfigs.features(all);
    }

    @Test
    void theFirstWriterStoresTheDefinitionAndTheSameOneStartsAgain() throws Exception {
        FeaturesJobConfig c = config();
        String fingerprint = DefinitionFingerprint.of(c).fingerprint();
        assertThat(DefinitionCheck.verify(c, Use.WRITE, Use.WRITE))
                .first()
                .asString()
                .startsWith("wafer_aggregates v1: definition sha256:")
                .endsWith("(Redis matches, offline store matches)");

        assertThat(jedis.hget("wf:registry:wafer_aggregates:v1", "definition")).isEqualTo(fingerprint);
        assertThat(jedis.hget("wf:registry:wafer_aggregates:v1", "definition_json"))
                .contains("\"size\":\"5 min\"");
        Path file = dir.resolve("offline/wafer_aggregates/version=v1/_definition.json");
        JsonNode stored = new ObjectMapper().readTree(Files.readString(file));
        assertThat(stored.get("definition").asText()).isEqualTo(fingerprint);
        assertThat(stored.at("/definition_json/window/size").asText()).isEqualTo("5 min");

        assertThat(DefinitionCheck.verify(config(), Use.WRITE, Use.WRITE)).hasSize(1);
        assertThat(DefinitionCheck.verify(config(), Use.READ, Use.READ))
                .containsExactly("wafer_aggregates v1: definition " + fingerprint.substring(0, 19)
                        + " (Redis matches, offline store matches)");
    }

    @Test
    void aChangedWindowUnderTheSameVersionIsRefusedByEitherStore() throws Exception {
        DefinitionCheck.verify(config(), Use.WRITE, Use.WRITE);
        String stored = DefinitionFingerprint.of(config()).fingerprint();
        FeaturesJobConfig minute = config("feature_group.window.size=1 min");
        String changed = DefinitionFingerprint.of(minute).fingerprint();

        assertThatThrownBy(() -> DefinitionCheck.verify(minute, Use.WRITE, Use.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'feature_group.version'")
                .hasMessageContaining("the definition of wafer_aggregates v1 changed without a new version")
                .hasMessageContaining("Redis wf:registry:wafer_aggregates:v1")
                .hasMessageContaining("written with " + stored)
                .hasMessageContaining("this configuration defines " + changed)
                .hasMessageContaining("(window.size: 5 min -> 1 min)")
                .hasMessageContaining("set feature_group.version to v2 and register v2");
        assertThatThrownBy(() -> DefinitionCheck.verify(minute, Use.NONE, Use.WRITE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("_definition.json were written with " + stored);
        assertThatThrownBy(() -> DefinitionCheck.verify(minute, Use.READ, Use.NONE))
                .as("a reader of the version is refused too")
                .isInstanceOf(ConfigException.class);
        assertThat(jedis.hget("wf:registry:wafer_aggregates:v1", "definition"))
                .as("a refused writer overwrites nothing")
                .isEqualTo(stored);
    }

    @Test
    void anAddedParametricTestUnderTheSameVersionIsRefused() throws Exception {
        DefinitionCheck.verify(config(), Use.WRITE, Use.WRITE);
        assertThatThrownBy(() -> DefinitionCheck.verify(
                        config("schema.fields.vpp.type=float", "schema.fields.vpp.parameter=true"),
                        Use.WRITE,
                        Use.WRITE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("changed without a new version")
                .hasMessageContaining("features.dq_vpp_flagged_rate.inputs added")
                .hasMessageContaining("more)");
    }

    @Test
    void theChangedDefinitionIsAcceptedUnderANewRegisteredVersion() throws Exception {
        DefinitionCheck.verify(config(), Use.WRITE, Use.WRITE);
        FeaturesJobConfig v2 = config(
                "feature_group.version=v2",
                "feature_group.window.size=10 min",
                "schema.fields.vpp.type=float",
                "schema.fields.vpp.parameter=true",
                "schema.fields.vpp.unit=V",
                "feature_group.derived.vdd_cv=");
        List<String> report = DefinitionCheck.verify(v2, Use.WRITE, Use.WRITE);
        assertThat(report.get(0)).startsWith("wafer_aggregates v2: definition");
        assertThat(jedis.hget("wf:registry:wafer_aggregates:v2", "definition"))
                .isEqualTo(DefinitionFingerprint.of(v2).fingerprint())
                .isNotEqualTo(jedis.hget("wf:registry:wafer_aggregates:v1", "definition"));
        assertThat(dir.resolve("offline/wafer_aggregates/version=v2/_definition.json"))
                .isRegularFile();
        assertThat(DefinitionCheck.verify(config(), Use.WRITE, Use.WRITE))
                .as("v1 runs on beside it")
                .hasSize(1);
    }

    @Test
    void aReaderStoresNothingAndAnUnregisteredVersionIsRefusedFirst() throws Exception {
        assertThat(DefinitionCheck.verify(config(), Use.READ, Use.READ).get(0))
                .endsWith("(Redis has none yet, offline store has none yet)");
        assertThat(jedis.exists("wf:registry:wafer_aggregates:v1")).isFalse();
        assertThat(dir.resolve("offline")).doesNotExist();
        assertThatThrownBy(() -> DefinitionCheck.verify(config("feature_group.version=v3"), Use.WRITE, Use.WRITE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("version 'v3' of wafer_aggregates is not registered (registered: v1, v2)");
        assertThat(jedis.dbSize()).isZero();
    }

    @Test
    void aDifferenceFromTheRegisteredDefinitionIsANote() throws Exception {
        assertThat(DefinitionCheck.verify(config("feature_group.window.size=1 min"), Use.NONE, Use.NONE))
                .containsExactly(
                        "wafer_aggregates v1: definition "
                                + DefinitionFingerprint.of(config("feature_group.window.size=1 min"))
                                        .shortFingerprint(),
                        "note: differs from the registered v1: window.size: 5 min -> 1 min");
    }

    @Test
    void theBackfillCommandRefusesBeforeItRuns() throws Exception {
        DefinitionCheck.verify(config(), Use.NONE, Use.WRITE);
        List<String> argv = new ArrayList<>(List.of("--source", "archive"));
        for (String s : List.of(
                "offline.root=" + dir.resolve("offline"),
                "feature_group.registry=" + dir.resolve("registry"),
                "feature_group.window.size=2 min")) {
            argv.add("--set");
            argv.add(s);
        }
        assertThatThrownBy(() -> new BackfillCommand().run(argv.toArray(new String[0])))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("changed without a new version")
                .hasMessageContaining("window.size: 5 min -> 2 min");
    }

    @Test
    void theNextVersion() {
        assertThat(DefinitionCheck.next("v1")).isEqualTo("v2");
        assertThat(DefinitionCheck.next("v19")).isEqualTo("v20");
        assertThat(DefinitionCheck.next("beta")).isEqualTo("beta_2");
    }
}
