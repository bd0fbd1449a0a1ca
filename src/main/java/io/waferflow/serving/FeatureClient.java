package io.waferflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Java client of {@code waferflow serve} on the JDK's {@link HttpClient}: one client per server, shared by
 * threads (it keeps connections open between requests).
 *
 * <pre>
 * FeatureClient client = new FeatureClient(URI.create("http://127.0.0.1:8090"), token);
 * FeatureClient.Answer a = client.features(FeatureClient.Request.of("wafer_aggregates", List.of("W0001", "W0002"))
 *         .withFeatures(List.of("yield_pct", "vdd_mean"))
 *         .withDefaults(Map.of("yield_pct", 0.0))
 *         .withMaxAge("10 min"));
 * double yield = a.results().get(0).values().get("yield_pct");
 * </pre>
 */
public final class FeatureClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to ask for; empty lists and maps and null values are left out (the server's defaults apply). */
    public record Request(
            String featureGroup,
            List<String> entities,
            String version,
            List<String> features,
            List<String> derived,
            Map<String, Double> defaults,
            String maxAge) {

        public static Request of(String featureGroup, List<String> entities) {
            return new Request(featureGroup, entities, null, List.of(), List.of(), Map.of(), null);
        }

        public Request withVersion(String v) {
            return new Request(featureGroup, entities, v, features, derived, defaults, maxAge);
        }

        public Request withFeatures(List<String> f) {
            return new Request(featureGroup, entities, version, f, derived, defaults, maxAge);
        }

        /** Derived features ({@code feature_group.derived}) to compute on read, answered with the stored ones. */
        public Request withDerived(List<String> d) {
            return new Request(featureGroup, entities, version, features, d, defaults, maxAge);
        }

        public Request withDefaults(Map<String, Double> d) {
            return new Request(featureGroup, entities, version, features, derived, d, maxAge);
        }

        public Request withMaxAge(String age) {
            return new Request(featureGroup, entities, version, features, derived, defaults, age);
        }

        String json() throws IOException {
            ObjectNode body = JSON.createObjectNode();
            body.put("feature_group", featureGroup);
            if (version != null) {
                body.put("version", version);
            }
            entities.forEach(body.putArray("entities")::add);
            if (!features.isEmpty()) {
                features.forEach(body.putArray("features")::add);
            }
            if (!derived.isEmpty()) {
                derived.forEach(body.putArray("derived")::add);
            }
            if (!defaults.isEmpty()) {
                ObjectNode d = body.putObject("defaults");
                defaults.forEach(d::put);
            }
            if (maxAge != null) {
                body.put("max_age", maxAge);
            }
            return JSON.writeValueAsString(body);
        }
    }

    /** One entity's answer; a null value is a feature without one (see its status). */
    public record EntityFeatures(
            String entity,
            Map<String, Double> values,
            Map<String, FeatureStatus> statuses,
            Long windowStart,
            Long windowEnd,
            Integer revision,
            String featureVersion) {}

    /** The answer: the version served and one result per requested entity, in request order. */
    public record Answer(String featureGroup, String version, List<EntityFeatures> results) {}

    /** The server refused or could not answer: its HTTP status and message ({@code Retry-After} seconds, or -1). */
    public static final class Failure extends IOException {

        private final int status;
        private final long retryAfterSeconds;

        Failure(int status, String message, long retryAfterSeconds) {
            super("HTTP " + status + ": " + message);
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int status() {
            return status;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String authorization;
    private final Duration timeout;

    /** {@code token}: the server's bearer token, or null/empty for none. */
    public FeatureClient(URI base, String token) {
        this(base, token, Duration.ofSeconds(10));
    }

    public FeatureClient(URI base, String token, Duration timeout) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        this.base = base;
        this.authorization = token == null || token.isEmpty() ? null : "Bearer " + token;
        this.timeout = timeout;
    }

    public Answer features(Request request) throws IOException, InterruptedException {
        HttpRequest.Builder b = builder("/v1/features")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.json()));
        return answer(send(b));
    }

    /** {@code GET /v1/features/{group}/{entity}}: every feature of one entity, in the version the server serves. */
    public EntityFeatures feature(String featureGroup, String entity) throws IOException, InterruptedException {
        String path = "/v1/features/" + encode(featureGroup) + "/" + encode(entity);
        return answer(send(builder(path).GET())).results().get(0);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new Failure(
                    r.statusCode(),
                    body.path("error").asText(""),
                    r.headers().firstValueAsLong("Retry-After").orElse(-1));
        }
        return body;
    }

    private static Answer answer(JsonNode body) {
        List<EntityFeatures> results = new ArrayList<>();
        for (JsonNode r : body.get("results")) {
            Map<String, Double> values = new LinkedHashMap<>();
            r.get("values")
                    .fields()
                    .forEachRemaining(e -> values.put(
                            e.getKey(),
                            e.getValue().isNull() ? null : e.getValue().doubleValue()));
            Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
            r.get("statuses")
                    .fields()
                    .forEachRemaining(e -> statuses.put(
                            e.getKey(), FeatureStatus.valueOf(e.getValue().asText())));
            results.add(new EntityFeatures(
                    r.get("entity").asText(),
                    values,
                    statuses,
                    r.get("window_start").isNull()
                            ? null
                            : r.get("window_start").asLong(),
                    r.get("window_end").isNull() ? null : r.get("window_end").asLong(),
                    r.get("revision").isNull() ? null : r.get("revision").asInt(),
                    r.get("feature_version").isNull()
                            ? null
                            : r.get("feature_version").asText()));
        }
        return new Answer(
                body.get("feature_group").asText(), body.get("version").asText(), results);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
