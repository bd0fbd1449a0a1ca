package io.waferflow.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waferflow.config.registry.FeatureDefinition;
import io.waferflow.config.registry.RegisteredGroup;
import io.waferflow.config.registry.RegisteredVersion;
import io.waferflow.config.registry.VersionDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The audit report over a feature group's OpenLineage run events and its registry entry: the group (owner, entity, its
 * registered versions with date, changes, definition, stored definition fingerprint and the runs that wrote each), raw
 * fields → features (definition, what changed for it in each registered version, the input fields and transformation
 * the runs declared, and per feature version the job versions, configuration fingerprints and runs that wrote it) →
 * training sets (labels, feature tables and versions, when) → models. A feature of the definitions is <em>covered</em>
 * when some run of the group's version declared column lineage for it; the report says how many are, and
 * {@link #complete()} is false when one is not.
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
     * @param registered the group's registry entry: description, owner and every version with its definition
     * @param definitions the group's features, as the registry defines them for {@code version}
     * @param storedFingerprints version → the definition fingerprint its stored rows were written with (versions not
     *     written yet are absent)
     * @param model only the training sets (and model) of this model; null: all
     */
    public static LineageReport build(
            List<JsonNode> events,
            RegisteredGroup registered,
            String version,
            List<FeatureDefinition> definitions,
            Map<String, String> storedFingerprints,
            String model) {
        String group = registered.name();
        Map<String, Run> runs = runs(events);
        RegistryHistory history = new RegistryHistory(registered);
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
            f.set("history", history.of(d.name()));
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

        r.set("group", groupSection(registered, history, runs, storedFingerprints, r.putArray("mismatches")));

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

    /**
     * The group as registered (owner, entity, description) and its version history, each version with the runs of the
     * group that wrote it. Adds to {@code mismatches} every run whose version is not registered, and every run that
     * declared lineage for other feature columns than its registered version defines (e.g. run with a parametric test
     * the version does not have): the events carry no definition fingerprint, but they do carry the columns.
     */
    private static ObjectNode groupSection(
            RegisteredGroup registered,
            RegistryHistory history,
            Map<String, Run> runs,
            Map<String, String> storedFingerprints,
            ArrayNode mismatches) {
        ObjectNode g = NODES.objectNode();
        g.put("name", registered.name());
        g.put("entity", registered.entity());
        g.put("owner", registered.owner());
        g.put("description", registered.description());
        Map<String, ObjectNode> versions = new LinkedHashMap<>();
        for (int i = 0; i < registered.versions().size(); i++) {
            RegisteredVersion v = registered.versions().get(i);
            ObjectNode n = NODES.objectNode();
            n.put("version", v.version());
            n.put("registered", true);
            n.put("date", v.date());
            n.put("changes", v.changes());
            ObjectNode definition = n.putObject("definition");
            v.definition().window().settings().forEach((k, x) -> definition.put("window." + k, x));
            definition.put(
                    "parameters",
                    String.join(", ", v.definition().parameterUnits().keySet()));
            v.definition().derived().forEach((k, x) -> definition.put("derived." + k, x));
            n.set("changes_from_previous", strings(history.diffs.get(i)));
            n.put("definition_fingerprint", storedFingerprints.getOrDefault(v.version(), ""));
            n.putArray("runs");
            n.putArray("training_sets");
            versions.put(v.version(), n);
        }
        for (Run run : runs.values()) {
            if (TRAINING_SET.equals(run.kind())) {
                trainingSetReads(registered.name(), run, versions, mismatches);
                continue;
            }
            if (!registered.name().equals(run.tags.get(LineageJob.FEATURE_GROUP))) {
                continue;
            }
            String runVersion = run.tags.getOrDefault(LineageJob.FEATURE_VERSION, "");
            ObjectNode v = versions.computeIfAbsent(runVersion, LineageReport::unregisteredVersion);
            ((ArrayNode) v.get("runs")).add(run.summary());
            Set<String> declared = run.featureColumns();
            if (!v.get("registered").asBoolean()) {
                mismatch(mismatches, run, runVersion, "version " + runVersion + " is not registered");
            } else if (!declared.isEmpty()) {
                Set<String> defined = history.names.get(history.index(runVersion));
                List<String> extra = new ArrayList<>(new TreeSet<>(declared));
                extra.removeAll(defined);
                List<String> lacking = new ArrayList<>(defined);
                lacking.removeAll(declared);
                for (Map.Entry<String, List<String>> p : List.of(
                        Map.entry("wrote features " + runVersion + " does not register: ", extra),
                        Map.entry("did not write features " + runVersion + " registers: ", lacking))) {
                    if (!p.getValue().isEmpty()) {
                        mismatch(mismatches, run, runVersion, p.getKey() + String.join(", ", p.getValue()));
                    }
                }
            }
        }
        g.set("versions", NODES.arrayNode().addAll(versions.values()));
        return g;
    }

    /**
     * Adds a training-set run to each version of the group whose feature table ({@code <root>/<group>/version=<v>},
     * with a version facet) it read.
     */
    private static void trainingSetReads(
            String group, Run run, Map<String, ObjectNode> versions, ArrayNode mismatches) {
        for (JsonNode in : run.inputs()) {
            String read = in.at("/facets/version/datasetVersion").asText("");
            if (read.isEmpty() || !in.get("name").asText().endsWith("/" + group + "/version=" + read)) {
                continue;
            }
            ObjectNode v = versions.computeIfAbsent(read, LineageReport::unregisteredVersion);
            if (!v.get("registered").asBoolean()) {
                mismatch(mismatches, run, read, "read version " + read + ", which is not registered");
            }
            ObjectNode t = run.summary();
            t.put("model", run.tags.getOrDefault(LineageJob.MODEL, ""));
            ((ArrayNode) v.get("training_sets")).add(t);
        }
    }

    private static ObjectNode unregisteredVersion(String version) {
        ObjectNode n = NODES.objectNode();
        n.put("version", version);
        n.put("registered", false);
        n.putArray("runs");
        n.putArray("training_sets");
        return n;
    }

    private static void mismatch(ArrayNode mismatches, Run run, String version, String problem) {
        ObjectNode m = mismatches.addObject();
        m.put("run_id", run.id);
        m.put("job", run.summary().get("job").asText());
        m.put("feature_version", version);
        m.put("problem", "run " + run.id + " of " + version + " " + problem);
    }

    /**
     * Per registered version (oldest first) its features' names and what changed from the version before, and from
     * these one feature's history.
     */
    private static final class RegistryHistory {
        final List<RegisteredVersion> versions;
        final List<Set<String>> names = new ArrayList<>();
        final List<List<String>> diffs = new ArrayList<>();

        RegistryHistory(RegisteredGroup g) {
            versions = g.versions();
            for (int i = 0; i < versions.size(); i++) {
                Set<String> n = new LinkedHashSet<>();
                g.features(versions.get(i)).forEach(f -> n.add(f.name()));
                names.add(n);
                diffs.add(i == 0 ? List.of() : VersionDiff.between(g, versions.get(i - 1), versions.get(i)));
            }
        }

        int index(String version) {
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i).version().equals(version)) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Per version: whether the feature is in it ({@code added}, {@code changed}, {@code unchanged}, {@code removed}
         * or {@code absent}) and the changes that concern it: its own (type, unit, inputs, description, transformation)
         * and the window's, which every feature is computed over.
         */
        ArrayNode of(String feature) {
            ArrayNode out = NODES.arrayNode();
            for (int i = 0; i < versions.size(); i++) {
                RegisteredVersion v = versions.get(i);
                boolean now = names.get(i).contains(feature);
                boolean before = i > 0 && names.get(i - 1).contains(feature);
                List<String> lines = new ArrayList<>();
                if (now && before) {
                    for (String line : diffs.get(i)) {
                        if (line.startsWith("feature changed: " + feature + " ") || line.startsWith("window.")) {
                            lines.add(line.replaceFirst("^feature changed: " + Pattern.quote(feature) + " ", ""));
                        }
                    }
                }
                ObjectNode n = out.addObject();
                n.put("version", v.version());
                n.put("date", v.date());
                n.put("changes", v.changes());
                n.put("present", now);
                n.put(
                        "status",
                        now
                                ? (!before ? "added" : lines.isEmpty() ? "unchanged" : "changed")
                                : (before ? "removed" : "absent"));
                n.set("feature_changes", strings(lines));
            }
            return out;
        }
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

    /** The runs that do not match their registered version, one line each. */
    public List<String> mismatches() {
        List<String> lines = new ArrayList<>();
        report.get("mismatches").forEach(m -> lines.add(m.get("problem").asText()));
        return lines;
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

        /** The feature columns the run declared lineage for: those aggregated from input fields. */
        Set<String> featureColumns() {
            Set<String> columns = new HashSet<>();
            for (JsonNode out : outputs()) {
                out.at("/facets/columnLineage/fields").fields().forEachRemaining(c -> {
                    for (JsonNode s : c.getValue().path("inputFields")) {
                        if ("AGGREGATION"
                                .equals(s.at("/transformations/0/subtype").asText())) {
                            columns.add(c.getKey());
                        }
                    }
                });
            }
            return columns;
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
