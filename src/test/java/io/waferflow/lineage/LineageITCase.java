package io.waferflow.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.waferflow.TestConfigs;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.TrainingSetCommand;
import io.waferflow.testing.LocalServices;
import io.waferflow.testing.TestDie;
import io.waferflow.testing.TestWafers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 part 3: the {@code backfill} and {@code features} commands, run as a user runs them, leave START and one end
 * event each in the JSON-lines file under the offline root, naming their datasets, and the column lineage of every
 * feature column is checked field by field against a map written out here from the feature definitions' meaning (not
 * read from the code under test).
 */
@Timeout(300)
class LineageITCase {

    @RegisterExtension
    static final LocalServices SERVICES = new LocalServices().withMiniCluster();

    private static final long T0 = Instant.parse("2026-11-27T04:00:00Z").toEpochMilli();

    private static final List<String> PARAMETERS = List.of("vdd", "idd", "frequency", "temperature");
    private static final List<String> ALL_FIELDS = List.of(
            "event_time",
            "lot_id",
            "wafer_id",
            "device_id",
            "die_x",
            "die_y",
            "vdd",
            "idd",
            "frequency",
            "temperature",
            "test_time_ms",
            "pass_fail",
            "hard_bin",
            "soft_bin",
            "tester_id");

    /** Output column → the input topic's fields it comes from, for the shipped jobs/features.yaml. */
    static Map<String, Set<String>> expectedColumns(boolean withWaferId) {
        Map<String, Set<String>> e = new LinkedHashMap<>();
        if (withWaferId) {
            e.put("wafer_id", Set.of("wafer_id"));
        }
        e.put("lot_id", Set.of("lot_id"));
        e.put("window_start", Set.of("event_time"));
        e.put("window_end", Set.of("event_time"));
        e.put("revision", Set.of("event_time"));
        e.put("device_count", Set.of("device_id"));
        e.put("yield_pct", Set.of("pass_fail"));
        for (String p : PARAMETERS) {
            for (String stat : List.of("mean", "std", "min", "max", "p50", "p95")) {
                e.put(p + "_" + stat, Set.of(p));
            }
        }
        e.put("avg_test_time_ms", Set.of("test_time_ms"));
        e.put("neighbor_yield_avg", Set.of("die_x", "die_y", "pass_fail"));
        for (String p : PARAMETERS) {
            e.put("dq_" + p + "_null_rate", Set.of(p));
            e.put("dq_" + p + "_flagged_rate", Set.of(p));
        }
        Set<String> ruled = new HashSet<>(PARAMETERS);
        ruled.add("test_time_ms");
        e.put("dq_devices_flagged_pct", ruled);
        e.put("dq_quarantine_rate", Set.copyOf(ALL_FIELDS));
        return e;
    }

    @TempDir
    Path tmp;

    private List<String> args(String command, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("--config", TestConfigs.FEATURES_YAML.toString()));
        for (String s : SERVICES.settings(tmp, name)) {
            args.add("--set");
            args.add(s);
        }
        args.addAll(List.of(extra));
        return args;
    }

    private void produce(String name) throws Exception {
        List<TestDie> dies = TestWafers.seed(7)
                .lot("LL")
                .wafers(4, "WL%02d")
                .dies(60, 10)
                .starts(w -> T0 + w * 20_000L)
                .failRate(0.1)
                .build();
        SERVICES.createTopics(name, 2);
        SERVICES.produce(name + "-in", TestDie.payloads(dies), i -> dies.get(i).waferNumber() % 2);
    }

    private Path eventsFile() {
        return tmp.resolve("data/_lineage/events.jsonl");
    }

    @Test
    void aBackfillLeavesStartAndCompleteWithTheColumnLineageOfEveryFeature() throws Exception {
        produce("lb");
        assertThat(new BackfillCommand().run(args("backfill", "lb").toArray(String[]::new)))
                .isZero();

        List<JsonNode> events = LineageEventsTest.events(eventsFile());
        assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("START", "COMPLETE");
        for (JsonNode e : events) {
            assertThat(e.at("/job/name").asText()).isEqualTo("waferflow-features.wafer_aggregates.v1.backfill");
            assertThat(e.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
            assertThat(e.get("inputs")).hasSize(1);
            JsonNode input = e.at("/inputs/0");
            assertThat(input.get("namespace").asText())
                    .isEqualTo("kafka://" + SERVICES.kafka().bootstrapServers().split(",")[0]);
            assertThat(input.get("name").asText()).isEqualTo("lb-in");
            assertThat(fieldNames(input.at("/facets/schema/fields"))).containsExactlyElementsOf(ALL_FIELDS);
            JsonNode table = output(
                    e,
                    "file",
                    tmp.resolve("data/wafer_aggregates/version=v1")
                            .toAbsolutePath()
                            .toString());
            assertThat(table.at("/facets/version/datasetVersion").asText()).isEqualTo("v1");
            assertColumnLineage(table, input, expectedColumns(true), "tumbling 1 min event-time window");
            assertThat(outputNames(e))
                    .contains(tmp.resolve("data/_quarantine/wafer_aggregates/version=v1")
                            .toAbsolutePath()
                            .toString());
            assertThat(LineageEventsTest.tags(e))
                    .containsEntry(
                            "config_fingerprint",
                            TestConfigs.raw(SERVICES.settings(tmp, "lb").toArray(String[]::new))
                                    .fingerprint());
        }
        assertThat(LineageEventsTest.tags(events.get(1))).containsKey("flink_job_id");
    }

    @Test
    void aTrainingSetRunLeavesStartAndCompleteWithTheSourceOfEveryColumn() throws Exception {
        produce("lt");
        assertThat(new BackfillCommand().run(args("backfill", "lt").toArray(String[]::new)))
                .isZero();
        Path labels = tmp.resolve("labels.csv");
        Files.writeString(
                labels,
                "wafer_id,label_time,scrap\n" + "WL00,2026-11-27T05:00:00Z,1\n" + "WL03,2026-11-27T05:00:00Z,0\n");
        Path out = tmp.resolve("training");
        assertThat(new TrainingSetCommand(System.out)
                        .run(args(
                                        "training-set",
                                        "lt",
                                        "--labels",
                                        labels.toString(),
                                        "--features",
                                        "wafer_aggregates:v1:yield_pct,wafer_aggregates:v1:vdd_mean",
                                        "--derived",
                                        "vdd_cv",
                                        "--model",
                                        "scrap-v1",
                                        "--out",
                                        out.toString())
                                .toArray(String[]::new)))
                .isZero();

        List<JsonNode> events = LineageEventsTest.events(eventsFile()).stream()
                .filter(e -> e.at("/job/name").asText().endsWith(".training-set"))
                .toList();
        assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("START", "COMPLETE");
        String labelsName = labels.toAbsolutePath().toString();
        String tableName =
                tmp.resolve("data/wafer_aggregates/version=v1").toAbsolutePath().toString();
        for (JsonNode e : events) {
            assertThat(e.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
            assertThat(LineageEventsTest.tags(e))
                    .containsEntry("kind", "training-set")
                    .containsEntry("model", "scrap-v1");
            List<String> inputs = new ArrayList<>();
            e.get("inputs").forEach(i -> inputs.add(i.get("name").asText()));
            assertThat(inputs).containsExactly(labelsName, tableName);
            JsonNode set = output(e, "file", out.toAbsolutePath().toString());
            // Output column -> its sources, as dataset:field.
            Map<String, Set<String>> expected = new LinkedHashMap<>();
            expected.put("wafer_id", Set.of("labels:wafer_id"));
            expected.put("label_time", Set.of("labels:label_time"));
            expected.put("scrap", Set.of("labels:scrap"));
            expected.put("wafer_aggregates__v1__status", Set.of("table:window_end", "labels:label_time"));
            expected.put("wafer_aggregates__v1__window_end", Set.of("table:window_end"));
            expected.put("wafer_aggregates__v1__yield_pct", Set.of("table:yield_pct"));
            expected.put("wafer_aggregates__v1__vdd_mean", Set.of("table:vdd_mean"));
            expected.put("wafer_aggregates__v1__vdd_cv", Set.of("table:vdd_std", "table:vdd_mean"));
            JsonNode fields = set.at("/facets/columnLineage/fields");
            Map<String, Set<String>> got = new LinkedHashMap<>();
            fields.fieldNames().forEachRemaining(column -> {
                Set<String> sources = new HashSet<>();
                fields.at("/" + column + "/inputFields")
                        .forEach(f -> sources.add((f.get("name").asText().equals(labelsName) ? "labels" : "table") + ":"
                                + f.get("field").asText()));
                got.put(column, sources);
            });
            assertThat(got).isEqualTo(expected);
            assertThat(fields.at("/wafer_aggregates__v1__vdd_cv/inputFields/0/transformations/0/description")
                            .asText())
                    .isEqualTo("vdd_std / vdd_mean");
            Set<String> indirect = new HashSet<>();
            set.at("/facets/columnLineage/dataset")
                    .forEach(f -> indirect.add((f.get("name").asText().equals(labelsName) ? "labels" : "table") + ":"
                            + f.get("field").asText() + " "
                            + f.at("/transformations/0/subtype").asText()));
            assertThat(indirect)
                    .containsExactlyInAnyOrder(
                            "labels:wafer_id JOIN",
                            "labels:label_time FILTER",
                            "table:wafer_id JOIN",
                            "table:window_end FILTER");
        }
    }

    @Test
    void aFailingBackfillEndsWithFail() throws Exception {
        produce("lx");
        assertThatThrownBy(() -> new BackfillCommand()
                        .run(args(
                                        "backfill",
                                        "lx",
                                        "--source",
                                        "archive",
                                        "--archive",
                                        tmp.resolve("nothing").toString())
                                .toArray(String[]::new)))
                .isNotNull();
        List<JsonNode> events = LineageEventsTest.events(eventsFile());
        assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("START", "FAIL");
        assertThat(events.get(0).at("/inputs/0/name").asText())
                .isEqualTo(tmp.resolve("nothing/raw").toAbsolutePath().toString());
        assertThat(events.get(1).at("/run/facets/errorMessage/message").asText())
                .isNotEmpty();
    }

    @Test
    void aFeaturesRunStoppedWithASavepointCompletesAndACancelledOneAborts(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        produce("lf");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new FeaturesCommand().run(args("features", "lf").toArray(String[]::new));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JobID job = awaitRunning(client, run);
        try {
            stopWithSavepoint(client, job, tmp.resolve("savepoints"));
        } finally {
            cancelRunning(client);
        }
        assertThat(run.get(2, TimeUnit.MINUTES)).isZero();

        List<JsonNode> events = LineageEventsTest.events(eventsFile());
        assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("START", "COMPLETE");
        for (JsonNode e : events) {
            assertThat(e.at("/job/name").asText()).isEqualTo("waferflow-features.wafer_aggregates.v1");
            assertThat(e.at("/job/facets/jobType/processingType").asText()).isEqualTo("STREAMING");
            JsonNode input = e.at("/inputs/0");
            assertThat(input.get("name").asText()).isEqualTo("lf-in");
            JsonNode redis = output(
                    e,
                    "redis://" + SERVICES.redis().host() + ":"
                            + SERVICES.redis().port(),
                    "lf:wafer_aggregates:v1");
            assertColumnLineage(redis, input, expectedColumns(false), "tumbling 1 min event-time window");
            JsonNode table = output(
                    e,
                    "file",
                    tmp.resolve("data/wafer_aggregates/version=v1")
                            .toAbsolutePath()
                            .toString());
            assertColumnLineage(table, input, expectedColumns(true), "tumbling 1 min event-time window");
            assertThat(outputNames(e))
                    .contains(
                            "lf-violations",
                            tmp.resolve("data/raw").toAbsolutePath().toString());
        }
        assertThat(LineageEventsTest.tags(events.get(1))).containsEntry("flink_job_id", job.toString());

        // The same job again, cancelled: ABORT.
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try {
                return new FeaturesCommand()
                        .run(args("features", "lf", "--fresh").toArray(String[]::new));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JobID cancelled = awaitRunning(client, second);
        cancelRunning(client);
        assertThatThrownBy(() -> second.get(2, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class);
        List<JsonNode> all = LineageEventsTest.events(eventsFile());
        assertThat(all)
                .extracting(e -> e.get("eventType").asText())
                .containsExactly("START", "COMPLETE", "START", "ABORT");
        assertThat(LineageEventsTest.tags(all.get(3))).containsEntry("flink_job_id", cancelled.toString());
    }

    /** The one running job not seen before, once the command has submitted it. */
    private static JobID awaitRunning(ClusterClient<?> client, CompletableFuture<Integer> command) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (command.isDone()) {
                command.get(); // throws what the command threw
                throw new AssertionError("the command ended before its job ran");
            }
            for (JobStatusMessage j : client.listJobs().get()) {
                if (j.getJobState() == JobStatus.RUNNING) {
                    JobID id = j.getJobId();
                    return id;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no job running after 2 minutes");
    }

    /** Flink refuses a savepoint while tasks are still starting: tried again for up to a minute. */
    private static void stopWithSavepoint(ClusterClient<?> client, JobID job, Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                client.stopWithSavepoint(job, false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                return;
            } catch (ExecutionException e) {
                if (client.getJobStatus(job).get().isGloballyTerminalState() || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Cancels every running job, so a failed test leaves no job holding the class's slots. */
    private static void cancelRunning(ClusterClient<?> client) throws Exception {
        for (JobStatusMessage j : client.listJobs().get()) {
            if (!j.getJobState().isGloballyTerminalState()) {
                client.cancel(j.getJobId()).get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static JsonNode output(JsonNode event, String namespace, String name) {
        for (JsonNode o : event.get("outputs")) {
            if (o.get("namespace").asText().equals(namespace)
                    && o.get("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output " + namespace + " " + name + " in " + outputNames(event));
    }

    private static List<String> outputNames(JsonNode event) {
        List<String> names = new ArrayList<>();
        event.get("outputs").forEach(o -> names.add(o.get("name").asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.get("name").asText()));
        return names;
    }

    /**
     * Every output column has exactly the expected input fields, all of the input dataset, each with a transformation;
     * feature columns are DIRECT aggregations over the configured window; every row is grouped by wafer and windowed by
     * event time.
     */
    private static void assertColumnLineage(
            JsonNode output, JsonNode input, Map<String, Set<String>> expected, String window) {
        JsonNode fields = output.at("/facets/columnLineage/fields");
        Set<String> columns = new HashSet<>();
        fields.fieldNames().forEachRemaining(columns::add);
        assertThat(columns).as(output.get("name").asText()).isEqualTo(expected.keySet());
        for (Map.Entry<String, Set<String>> want : expected.entrySet()) {
            JsonNode sources = fields.at("/" + want.getKey() + "/inputFields");
            Set<String> got = new HashSet<>();
            for (JsonNode s : sources) {
                assertThat(s.get("namespace").asText())
                        .isEqualTo(input.get("namespace").asText());
                assertThat(s.get("name").asText()).isEqualTo(input.get("name").asText());
                got.add(s.get("field").asText());
                JsonNode t = s.at("/transformations/0");
                assertThat(t.get("type").asText()).isIn("DIRECT", "INDIRECT");
                if (!Set.of("wafer_id", "lot_id", "window_start", "window_end", "revision")
                        .contains(want.getKey())) {
                    assertThat(t.get("type").asText()).as(want.getKey()).isEqualTo("DIRECT");
                    assertThat(t.get("subtype").asText()).as(want.getKey()).isEqualTo("AGGREGATION");
                    assertThat(t.get("description").asText()).as(want.getKey()).contains(window);
                }
            }
            assertThat(got).as(want.getKey()).isEqualTo(want.getValue());
        }
        Map<String, String> indirect = new LinkedHashMap<>();
        output.at("/facets/columnLineage/dataset")
                .forEach(s -> indirect.put(
                        s.get("field").asText(),
                        s.at("/transformations/0/subtype").asText()));
        assertThat(indirect).containsEntry("wafer_id", "GROUP_BY").containsEntry("event_time", "WINDOW");
    }
}
