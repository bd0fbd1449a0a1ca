package io.waferflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/**
 * What Flink's REST API (and so its web UI, which shows nothing else) tells anyone who can reach it about the cluster
 * and one job: the cluster and JobManager configuration and environment, every TaskManager, and for the job its
 * details, execution config (global job parameters), JobManager configuration, plan, exceptions, accumulators,
 * checkpoints and every vertex's details, accumulators, metrics and TaskManagers. Ids are taken from the answers
 * themselves. Keeps each answer's status and body, by path.
 */
public final class FlinkRestAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Answer> answers = new LinkedHashMap<>();

    /** One answer: HTTP status and body. */
    public record Answer(int status, String body) {}

    public FlinkRestAnswers(URI base) {
        this.base = base;
    }

    /** GETs every endpoint about the cluster and the job (again, if called again: the latest answer is kept). */
    public FlinkRestAnswers collect(JobID job) throws IOException, InterruptedException {
        for (String path : List.of(
                "/config",
                "/overview",
                "/jobs",
                "/jobs/overview",
                "/jobmanager/config",
                "/jobmanager/environment",
                "/jobmanager/logs",
                "/jobmanager/metrics",
                "/taskmanagers")) {
            get(path);
        }
        for (JsonNode tm : json("/taskmanagers").path("taskmanagers")) {
            String p = "/taskmanagers/" + tm.path("id").asText();
            for (String sub : List.of("", "/logs", "/metrics", "/thread-dump")) {
                get(p + sub);
            }
        }
        String j = "/jobs/" + job;
        for (String sub : List.of(
                "",
                "/config",
                "/jobmanager/config",
                "/jobmanager/environment",
                "/plan",
                "/exceptions",
                "/accumulators",
                "/checkpoints",
                "/checkpoints/config",
                "/status",
                "/metrics")) {
            get(j + sub);
        }
        for (JsonNode vertex : json(j).path("vertices")) {
            String v = j + "/vertices/" + vertex.path("id").asText();
            for (String sub : List.of(
                    "",
                    "/accumulators",
                    "/subtasks/accumulators",
                    "/subtasktimes",
                    "/taskmanagers",
                    "/watermarks",
                    "/metrics",
                    "/backpressure",
                    "/flamegraph")) {
                get(v + sub);
            }
            JsonNode metrics = json(v + "/metrics");
            List<String> names = new ArrayList<>();
            metrics.forEach(m -> names.add(URLEncoder.encode(m.path("id").asText(), StandardCharsets.UTF_8)));
            // Metric names carry operator names; their values, the user's counters and gauges. In chunks: Flink's
            // REST server refuses request lines over 4 KB.
            StringBuilder chunk = new StringBuilder();
            for (String name : names) {
                if (chunk.length() + name.length() > 2_500) {
                    get(v + "/metrics?get=" + chunk);
                    chunk.setLength(0);
                }
                chunk.append(chunk.length() == 0 ? "" : ",").append(name);
            }
            if (chunk.length() > 0) {
                get(v + "/metrics?get=" + chunk);
            }
        }
        return this;
    }

    public Map<String, Answer> answers() {
        return answers;
    }

    /** Status and body of one path, fetched and kept. */
    public Answer get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Answer answer = new Answer(response.statusCode(), response.body());
        answers.put(path, answer);
        return answer;
    }

    private JsonNode json(String path) throws IOException, InterruptedException {
        Answer a = answers.containsKey(path) ? answers.get(path) : get(path);
        return a.status() == 200 ? JSON.readTree(a.body()) : JSON.createObjectNode();
    }
}
