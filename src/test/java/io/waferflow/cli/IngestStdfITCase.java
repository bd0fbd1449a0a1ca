package io.waferflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.testing.FeaturesJobRun;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.StdfFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * STDF files through Kafka to the feature rows: {@code ingest stdf} (in-process, against a real broker) publishes three
 * tester files of two wafers, one of them truncated; the production {@code features} graph reads the topic (bounded)
 * and its Redis hashes and Parquet rows equal what the test computes from the dies it wrote; the truncated file's issue
 * is on the violation topic, keyed by its wafer, as the job writes violations there.
 */
@Timeout(300)
class IngestStdfITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void testerFilesBecomeFeatureRowsThroughKafka() throws Exception {
        String name = "stdfk";
        SERVICES.createTopics(name, 1);
        StdfFixture fixture = StdfFixture.writeInto(tmp.resolve("stdf"));

        List<String> argv = new ArrayList<>(List.of("stdf"));
        fixture.files.forEach(f -> argv.add(f.toString()));
        argv.addAll(List.of("--config", TestConfigs.FEATURES_YAML.toString()));
        for (String s : SERVICES.settings(tmp, name, StdfFixture.SETTINGS)) {
            argv.addAll(List.of("--set", s));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new IngestCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(argv.toArray(String[]::new));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

        assertThat(SERVICES.readCommitted(name + "-in"))
                .as("one message per part")
                .hasSize(fixture.dies.size());

        FeaturesJobConfig config = SERVICES.config(tmp, name, StdfFixture.SETTINGS);
        FeaturesJobRun.execute(config, "stdf-through-kafka");

        try (Jedis jedis = SERVICES.jedis()) {
            fixture.assertStores(tmp.resolve("data"), jedis, name);
        }
        List<JsonNode> truncated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted(name + "-violations")) {
            JsonNode v = JSON.readTree(r.value());
            if (v.get("rule").asText().equals("stdf_truncated")) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("WS2");
                truncated.add(v);
            }
        }
        assertThat(truncated).hasSize(1);
        assertThat(truncated.get(0).toString()).contains(fixture.truncatedFile());
        assertThat(truncated.get(0).get("severity").asText()).isEqualTo("CRITICAL");
    }

    @Test
    void aBlockedFilePublishesItsPartsAsViolationsOnly() throws Exception {
        String name = "stdfb";
        SERVICES.createTopics(name, 1);
        StdfFixture fixture = StdfFixture.writeInto(tmp.resolve("stdf"));
        Path truncated = fixture.files.get(2);

        List<String> argv = new ArrayList<>(List.of("stdf", truncated.toString()));
        argv.addAll(List.of("--config", TestConfigs.FEATURES_YAML.toString()));
        // The shipped stdf.block_on: critical, which a truncated file is.
        for (String s : SERVICES.settings(tmp, name)) {
            argv.addAll(List.of("--set", s));
        }
        int code = new IngestCommand().run(argv.toArray(String[]::new));

        assertThat(code).isEqualTo(IngestCommand.BLOCKED);
        assertThat(SERVICES.readCommitted(name + "-in"))
                .as("no part of a blocked file")
                .isEmpty();
        int blocked = 0;
        for (ConsumerRecord<byte[], byte[]> r : SERVICES.readCommitted(name + "-violations")) {
            JsonNode v = JSON.readTree(r.value());
            if (v.get("rule").asText().equals("stdf_file_blocked")) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("WS2");
                assertThat(v.get("quarantined").asBoolean()).isTrue();
                blocked++;
            }
        }
        assertThat(blocked)
                .as("one violation per part the file would have published")
                .isEqualTo(8);
    }
}
