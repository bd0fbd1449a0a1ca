package io.waferflow.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.waferflow.TestConfigs;
import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobCancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run events themselves, without a job: each transport delivers START and exactly one end, as JSON the OpenLineage
 * client wrote on this project's Jackson line; the end follows what happened to the run; the configuration fingerprint
 * follows the settings and never a secret.
 */
class LineageEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private FeaturesJobConfig config(String... overrides) {
        List<String> all = new ArrayList<>(List.of("offline.root=" + tmp.resolve("data")));
        all.addAll(List.of(overrides));
        return TestConfigs.features(all);
    }

    private static LineageJob job(FeaturesJobConfig c) {
        return FeaturesLineage.backfill(c, "f1", false, null);
    }

    static List<JsonNode> events(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void aFileRunIsOneJsonLinePerEventUnderTheOfflineRoot() throws Exception {
        FeaturesJobConfig c = config();
        Path file = Lineage.eventsFile(c);
        assertThat(file).isEqualTo(tmp.resolve("data/_lineage/events.jsonl").toAbsolutePath());
        try (Lineage lineage = Lineage.open(c)) {
            LineageRun run = lineage.start(job(c));
            run.tag("flink_job_id", "abc");
            run.complete();
            run.complete(); // a run ends once
            run.fail(new RuntimeException("late"));
        }
        List<JsonNode> events = events(file);
        assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("START", "COMPLETE");
        assertThat(events)
                .extracting(e -> e.at("/run/runId").asText())
                .containsOnly(events.get(0).at("/run/runId").asText());
        JsonNode end = events.get(1);
        assertThat(end.at("/job/namespace").asText()).isEqualTo("waferflow");
        assertThat(end.at("/job/name").asText()).isEqualTo("waferflow-features.wafer_aggregates.v1.backfill");
        assertThat(end.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
        Map<String, String> tags = tags(end);
        assertThat(tags)
                .containsEntry("job_version", "0.2.0-SNAPSHOT")
                .containsEntry("config_fingerprint", "f1")
                .containsEntry("kind", "backfill")
                .containsEntry("feature_group", "wafer_aggregates")
                .containsEntry("feature_version", "v1")
                .containsEntry("flink_job_id", "abc");
        assertThat(end.at("/run/facets/processing_engine/name").asText()).isEqualTo("flink");
        assertThat(end.at("/outputs/0/facets/version/datasetVersion").asText()).isEqualTo("v1");
    }

    static Map<String, String> tags(JsonNode event) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        event.at("/run/facets/tags/tags")
                .forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
        return tags;
    }

    @Test
    void theEndSaysHowTheRunEnded() throws Exception {
        FeaturesJobConfig c = config();
        try (Lineage lineage = Lineage.open(c)) {
            lineage.start(job(c)).end(new RuntimeException("sink failed"));
            lineage.start(job(c))
                    .end(new RuntimeException(new JobCancellationException(new JobID(), "cancelled", null)));
            assertThatThrownBy(() -> lineage.start(job(c)).around(() -> {
                        throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            assertThat(lineage.start(job(c)).around(() -> 7)).isEqualTo(7);
            lineage.start(job(c)).detached();
        }
        List<JsonNode> events = events(Lineage.eventsFile(c));
        assertThat(events)
                .extracting(e -> e.get("eventType").asText())
                .containsExactly("START", "FAIL", "START", "ABORT", "START", "FAIL", "START", "COMPLETE", "START");
        assertThat(events.get(1).at("/run/facets/errorMessage/message").asText())
                .contains("sink failed");
        assertThat(events.get(5).at("/run/facets/errorMessage/stackTrace").asText())
                .contains("IllegalStateException: boom");
    }

    @Test
    void httpPostsEachEventWithTheToken() throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        List<String> auth = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/lineage", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        try {
            FeaturesJobConfig c = FeaturesJobConfig.from(TestConfigs.raw(
                            "offline.root=" + tmp.resolve("data"),
                            "lineage.transport=http",
                            "lineage.url=http://127.0.0.1:"
                                    + server.getAddress().getPort(),
                            "lineage.token=${env:LINEAGE_TOKEN}")
                    .withEnvironment(Map.of("LINEAGE_TOKEN", "s3cret")::get));
            try (Lineage lineage = Lineage.open(c)) {
                lineage.start(job(c)).complete();
            }
        } finally {
            server.stop(0);
        }
        assertThat(bodies).hasSize(2);
        assertThat(JSON.readTree(bodies.get(0)).get("eventType").asText()).isEqualTo("START");
        assertThat(JSON.readTree(bodies.get(1)).get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(JSON.readTree(bodies.get(1)).at("/outputs/0/facets/columnLineage/fields/vdd_mean"))
                .isNotEmpty();
        assertThat(auth).containsOnly("Bearer s3cret");
        assertThat(Files.exists(tmp.resolve("data/_lineage"))).isFalse();
    }

    @Test
    void anUnreachableServerDoesNotStopTheRun() throws Exception {
        FeaturesJobConfig c = config("lineage.transport=http", "lineage.url=http://127.0.0.1:1", "lineage.timeout=1 s");
        try (Lineage lineage = Lineage.open(c)) {
            assertThat(lineage.start(job(c)).around(() -> "done")).isEqualTo("done");
        }
    }

    @Test
    void httpNeedsAUrlAndARemoteRootNeedsAFile() {
        assertThatThrownBy(() -> config("lineage.transport=http"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lineage.url");
        FeaturesJobConfig remote = TestConfigs.features("offline.root=s3://bucket/data");
        assertThatThrownBy(() -> Lineage.eventsFile(remote))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lineage.file");
        assertThat(Lineage.eventsFile(TestConfigs.features(
                        "offline.root=s3://bucket/data", "lineage.file=" + tmp.resolve("e.jsonl"))))
                .isEqualTo(tmp.resolve("e.jsonl").toAbsolutePath());
    }

    @Test
    void theFingerprintFollowsTheSettingsNotTheSecrets() {
        RawConfig base = TestConfigs.raw();
        assertThat(base.fingerprint())
                .matches("[0-9a-f]{64}")
                .isEqualTo(TestConfigs.raw().fingerprint());
        // A default written out is the same effective configuration.
        assertThat(TestConfigs.raw("redis.batch_rows=500").fingerprint()).isEqualTo(base.fingerprint());
        assertThat(TestConfigs.raw("feature_group.window.size=1 min").fingerprint())
                .isNotEqualTo(base.fingerprint());
        assertThat(TestConfigs.raw("redis.password=one").fingerprint())
                .isEqualTo(TestConfigs.raw("redis.password=two").fingerprint())
                .isNotEqualTo(base.fingerprint());
    }
}
