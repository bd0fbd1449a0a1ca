package io.waferflow.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.config.registry.FeatureDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The audit report over a feature group's OpenLineage run events: raw fields → features (definition, the input fields
 * and transformation the runs declared, and per feature version the job versions, configuration fingerprints and runs
 * that wrote it) → training sets (labels, feature tables and versions, when) → models. A feature of the definitions is
 * <em>covered</em> when some run of the group's version declared column lineage for it; the report says how many are,
 * and {@link #complete()} is false when one is not.
 */
public final class LineageReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static final String TRAINING_SET = "training-set";

    private final ObjectNode report;
    private final List<String> missing;

    private LineageReport(ObjectNode report, List<String> missing) {
        this.report = report;
        this.missing = missing;
    }

    /**
     * The events of a JSON-lines file (one OpenLineage event per line; blank lines skipped). A line that is not JSON (a
     * write cut short by a crash) is skipped and reported through {@code unreadable}, so one bad line does not hide
     * every other run.
     */
    public static List<JsonNode> readEvents(Path file, Consumer<String> unreadable) {
        List<JsonNode> events = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    events.add(JSON.readTree(lines.get(i)));
                } catch (JsonProcessingException e) {
                    unreadable.accept(file + " line " + (i + 1) + " is not an event: " + e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lineage events from " + file, e);
        }
        return events;
    }

    /**
     * @param definitions the group's features, as the registry defines them for {@code version}
     * @param model only the training sets (and model) of this model; null: all
     */
    public static LineageReport build(
            List<JsonNode> events, String group, String version, List<FeatureDefinition> definitions, String model) {
        Map<String, Run> runs = runs(events);
        ObjectNode r = NODES.objectNode();
        r.put("feature_group", group);
        r.put("feature_version", version);
        r.put("events", events.size());
        r.put("runs", runs.size());
        if (model != null) {
            r.put("model", model);
        }

        // feature → lineage declared by the group's runs (newest declaration wins), and versions seen
        Map<String, ObjectNode> features = new LinkedHashMap<>();
        Map<String, TreeSet<String>> rawToFeatures = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (FeatureDefinition d : definitions) {
            ObjectNode f = features.computeIfAbsent(d.name(), n -> NODES.objectNode());
            f.put("name", d.name());
            f.put("type", d.type());
            f.put("unit", d.unit());
            f.put("description", d.description());
            f.put("transformation", d.transformation());
            f.set("definition_inputs", strings(d.inputs()));
            ArrayNode lineage = f.putArray("lineage");
            Map<String, ObjectNode> versions = new TreeMap<>();
            for (Run run : runs.values()) {
                if (!group.equals(run.tags.get(LineageJob.FEATURE_GROUP)) || TRAINING_SET.equals(run.kind())) {
                    continue;
                }
                for (JsonNode out : run.outputs()) {
                    JsonNode sources = out.at("/facets/columnLineage/fields/" + d.name() + "/inputFields");
                    if (!sources.isArray() || sources.isEmpty()) {
                        continue;
                    }
                    String runVersion = run.tags.getOrDefault(LineageJob.FEATURE_VERSION, "");
                    if (runVersion.equals(version)) {
                        ObjectNode l = NODES.objectNode();
                        l.put("dataset", datasetName(out));
                        l.put("run_id", run.id);
                        ArrayNode inputs = l.putArray("inputs");
                        for (JsonNode s : sources) {
                            String raw = s.get("namespace").asText() + "/"
                                    + s.get("name").asText() + "."
                                    + s.get("field").asText();
                            inputs.add(raw);
                            rawToFeatures
                                    .computeIfAbsent(raw, k -> new TreeSet<>())
                                    .add(d.name());
                            l.put(
                                    "transformation",
                                    s.at("/transformations/0/type").asText() + " "
                                            + s.at("/transformations/0/subtype").asText() + ": "
                                            + s.at("/transformations/0/description")
                                                    .asText());
                        }
                        replaceSameDataset(lineage, l);
                    }
                    ObjectNode v = versions.computeIfAbsent(runVersion, k -> {
                        ObjectNode n = NODES.objectNode();
                        n.put("feature_version", k);
                        n.putArray("job_versions");
                        n.putArray("config_fingerprints");
                        n.putArray("runs");
                        return n;
                    });
                    addOnce((ArrayNode) v.get("job_versions"), run.tags.get(RunEvents.JOB_VERSION));
                    addOnce((ArrayNode) v.get("config_fingerprints"), run.tags.get(RunEvents.CONFIG_FINGERPRINT));
                    ArrayNode vr = (ArrayNode) v.get("runs");
                    if (!contains(vr, run.id)) {
                        vr.add(run.summary());
                    }
                }
            }
            f.set("versions", NODES.arrayNode().addAll(versions.values()));
            f.put("covered", !lineage.isEmpty());
            if (lineage.isEmpty()) {
                missing.add(d.name());
            }
        }
        int total = definitions.size();
        int covered = total - missing.size();
        ObjectNode coverage = r.putObject("coverage");
        coverage.put("features", total);
        coverage.put("covered", covered);
        coverage.put("percent", total == 0 ? 100.0 : Math.floor(1000.0 * covered / total) / 10);
        coverage.set("missing", strings(missing));
        coverage.put("line", coverageLine(total, covered));

        ArrayNode raw = r.putArray("raw_fields");
        rawToFeatures.forEach((field, fs) -> {
            ObjectNode n = raw.addObject();
            n.put("field", field);
            n.set("features", strings(new ArrayList<>(fs)));
        });
        r.set("features", NODES.arrayNode().addAll(features.values()));

        ArrayNode sets = r.putArray("training_sets");
        Map<String, ArrayNode> models = new TreeMap<>();
        for (Run run : runs.values()) {
            if (!TRAINING_SET.equals(run.kind())) {
                continue;
            }
            String m = run.tags.get(LineageJob.MODEL);
            if (model != null && !model.equals(m)) {
                continue;
            }
            ObjectNode t = run.summary();
            ArrayNode labels = t.putArray("labels");
            ArrayNode tables = t.putArray("feature_tables");
            for (JsonNode in : run.inputs()) {
                JsonNode v = in.at("/facets/version/datasetVersion");
                if (v.isMissingNode()) {
                    labels.add(datasetName(in));
                } else {
                    ObjectNode table = tables.addObject();
                    table.put("dataset", datasetName(in));
                    table.put("version", v.asText());
                }
            }
            ArrayNode outs = t.putArray("outputs");
            ObjectNode columns = t.putObject("columns");
            for (JsonNode out : run.outputs()) {
                outs.add(datasetName(out));
                out.at("/facets/columnLineage/fields").fields().forEachRemaining(c -> {
                    ArrayNode from = columns.putArray(c.getKey());
                    c.getValue()
                            .get("inputFields")
                            .forEach(s -> from.add(s.get("name").asText() + "."
                                    + s.get("field").asText()));
                });
            }
            if (m != null) {
                t.put("model", m);
                models.computeIfAbsent(m, k -> NODES.arrayNode()).add(run.id);
            }
            sets.add(t);
        }
        if (model != null) {
            models.putIfAbsent(model, NODES.arrayNode());
        }
        ArrayNode modelList = r.putArray("models");
        models.forEach((name, ids) -> {
            ObjectNode n = modelList.addObject();
            n.put("name", name);
            n.set("training_sets", ids);
        });
        return new LineageReport(r, missing);
    }

    /** "N of M features covered (P %)". */
    static String coverageLine(int total, int covered) {
        double percent = total == 0 ? 100.0 : Math.floor(1000.0 * covered / total) / 10;
        return String.format(
                Locale.ROOT,
                "%d of %d features covered (%s %%)",
                covered,
                total,
                percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent));
    }

    public boolean complete() {
        return missing.isEmpty();
    }

    public List<String> missing() {
        return List.copyOf(missing);
    }

    public String coverageLine() {
        return report.at("/coverage/line").asText();
    }

    public JsonNode json() {
        return report;
    }

    /** Writes {@code report.json} and {@code report.html} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("report.json").toFile(), report);
        Files.writeString(dir.resolve("report.html"), ReportHtml.render(report), StandardCharsets.UTF_8);
    }

    private static void replaceSameDataset(ArrayNode lineage, ObjectNode l) {
        for (int i = 0; i < lineage.size(); i++) {
            if (lineage.get(i).get("dataset").equals(l.get("dataset"))) {
                lineage.set(i, l);
                return;
            }
        }
        lineage.add(l);
    }

    private static String datasetName(JsonNode d) {
        return d.get("namespace").asText() + "/" + d.get("name").asText();
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static void addOnce(ArrayNode a, String value) {
        if (value != null && !contains(a, value)) {
            a.add(value);
        }
    }

    private static boolean contains(ArrayNode a, String value) {
        for (JsonNode n : a) {
            if (n.isTextual()
                    ? n.asText().equals(value)
                    : n.path("run_id").asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The events of each run, in file order. */
    private static Map<String, Run> runs(List<JsonNode> events) {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String id = e.at("/run/runId").asText();
            runs.computeIfAbsent(id, Run::new).add(e);
        }
        return runs;
    }

    /** One run: its events, its tags (the latest event's), its state (the latest event type). */
    private static final class Run {
        final String id;
        final List<JsonNode> events = new ArrayList<>();
        final Map<String, String> tags = new LinkedHashMap<>();

        Run(String id) {
            this.id = id;
        }

        void add(JsonNode e) {
            events.add(e);
            e.at("/run/facets/tags/tags")
                    .forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
        }

        String kind() {
            return tags.get(RunEvents.KIND);
        }

        JsonNode last() {
            return events.get(events.size() - 1);
        }

        Iterable<JsonNode> outputs() {
            return last().path("outputs");
        }

        Iterable<JsonNode> inputs() {
            return last().path("inputs");
        }

        ObjectNode summary() {
            ObjectNode s = NODES.objectNode();
            s.put("run_id", id);
            s.put(
                    "job",
                    last().at("/job/namespace").asText() + "/"
                            + last().at("/job/name").asText());
            s.put("kind", kind());
            s.put("state", last().get("eventType").asText());
            s.put("started", events.get(0).get("eventTime").asText());
            s.put("ended", events.size() > 1 ? last().get("eventTime").asText() : "");
            s.put("job_version", tags.getOrDefault(RunEvents.JOB_VERSION, ""));
            s.put("config_fingerprint", tags.getOrDefault(RunEvents.CONFIG_FINGERPRINT, ""));
            return s;
        }
    }
}
