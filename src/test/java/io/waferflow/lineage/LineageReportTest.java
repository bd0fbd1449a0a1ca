package io.waferflow.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.waferflow.TestConfigs;
import io.waferflow.cli.LineageCommand;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.offline.DefinitionFile;
import io.waferflow.testing.HeadlessChromium;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lineage report}: from a backfill's, a features run's and two training sets' events, the report covers every
 * feature of the shipped configuration (38: device count, yield, 6 statistics of 4 parameters, test time, neighbour
 * yield, 2 quality rates of 4 parameters, 2 wafer quality shares), follows raw fields to features to training sets to
 * models, and fails naming the features without lineage when the configuration has more than the runs declared.
 */
class LineageReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The features of a parametric test vcc: its 6 statistics and 2 quality rates. */
    private static final String[] VCC_FEATURES = {
        "vcc_mean", "vcc_std", "vcc_min", "vcc_max", "vcc_p50", "vcc_p95", "dq_vcc_null_rate", "dq_vcc_flagged_rate"
    };

    private static final Path REGISTRY_FILE =
            TestConfigs.FEATURES_YAML.resolveSibling("registry/wafer_aggregates.yaml");

    /** The shipped registry file, read here with Jackson's YAML reader rather than through the registry code. */
    private static JsonNode registryFile() throws Exception {
        return new YAMLMapper().readTree(REGISTRY_FILE.toFile());
    }

    @TempDir
    Path tmp;

    private String root() {
        return "offline.root=" + tmp.resolve("data");
    }

    private void runs() throws Exception {
        FeaturesJobConfig c = TestConfigs.features(root());
        try (Lineage lineage = Lineage.open(c)) {
            lineage.start(FeaturesLineage.backfill(c, "fp-1", false, null)).complete();
            lineage.start(FeaturesLineage.features(c, "fp-2")).complete();
            lineage.start(trainingSet(c, "scrap-v1")).complete();
            lineage.start(trainingSet(c, "other")).complete();
        }
    }

    /** A training set as the training-set command describes one (issue 14 part 1): labels and v1 rows joined. */
    private LineageJob trainingSet(FeaturesJobConfig c, String model) {
        String dir = tmp.toUri().toString();
        LineageDataset labels = LineageDataset.files(
                dir,
                "labels.csv",
                null,
                List.of(
                        new LineageDataset.Field("wafer_id", "string", null),
                        new LineageDataset.Field("label_time", "timestamp", null),
                        new LineageDataset.Field("scrap", "int", null)));
        LineageDataset table = FeaturesLineage.featureTable(c, "wafer_aggregates", "v1");
        String join = "latest row of the wafer whose window ended before label_time";
        LineageDataset out = LineageDataset.files(dir, "training-" + model + "/", null, List.of())
                .withColumn("scrap", List.of(labels.source("scrap", "DIRECT", "IDENTITY", "the label")))
                .withColumn("vdd_mean", List.of(table.source("vdd_mean", "DIRECT", "IDENTITY", join)))
                .withColumn(
                        "vdd_cv",
                        List.of(
                                table.source("vdd_std", "DIRECT", "TRANSFORMATION", "vdd_std / vdd_mean"),
                                table.source("vdd_mean", "DIRECT", "TRANSFORMATION", "vdd_std / vdd_mean")))
                .withIndirect(List.of(labels.source("label_time", "INDIRECT", "JOIN", join)));
        return FeaturesLineage.trainingSet(c, "fp-3", labels, List.of(table), out, model);
    }

    private int report(ByteArrayOutputStream printed, String... extra) throws Exception {
        List<String> args =
                new ArrayList<>(List.of("report", "--config", TestConfigs.FEATURES_YAML.toString(), "--set", root()));
        args.addAll(List.of(extra));
        return new LineageCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(args.toArray(String[]::new));
    }

    @Test
    void theReportCoversEveryFeatureFromRawFieldsToModels() throws Exception {
        runs();
        Path dir = tmp.resolve("report");
        // A line a crash cut short is skipped, not fatal.
        Files.writeString(
                tmp.resolve("data/_lineage/events.jsonl"), "{\"eventType\": \"STA\n", StandardOpenOption.APPEND);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(report(printed, "--out", dir.toString())).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("38 of 38 features covered (100 %)")
                .contains("lineage: skipped ")
                .contains("events.jsonl line 9 is not an event");

        JsonNode r = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(r.at("/coverage/percent").asDouble()).isEqualTo(100.0);
        assertThat(r.get("features")).hasSize(38).allMatch(f -> f.get("covered").asBoolean());
        JsonNode neighbour = feature(r, "neighbor_yield_avg");
        // Two outputs declare it: the Parquet table of both runs (newest wins) and the features run's Redis keys.
        assertThat(neighbour.get("lineage")).hasSize(2);
        assertThat(strings(neighbour.at("/lineage/0/inputs")))
                .containsExactly(
                        "kafka://localhost:9092/device-tests.die_x",
                        "kafka://localhost:9092/device-tests.die_y",
                        "kafka://localhost:9092/device-tests.pass_fail");
        JsonNode v1 = neighbour.at("/versions/0");
        assertThat(v1.get("feature_version").asText()).isEqualTo("v1");
        assertThat(strings(v1.get("job_versions"))).containsExactly("0.2.0-SNAPSHOT");
        assertThat(strings(v1.get("config_fingerprints"))).containsExactly("fp-1", "fp-2");
        assertThat(v1.get("runs")).hasSize(2);
        JsonNode vdd = null;
        for (JsonNode f : r.get("raw_fields")) {
            if (f.get("field").asText().equals("kafka://localhost:9092/device-tests.vdd")) {
                vdd = f;
            }
        }
        assertThat(vdd).isNotNull();
        assertThat(strings(vdd.get("features")))
                .contains("vdd_mean", "vdd_p95", "dq_vdd_null_rate", "dq_devices_flagged_pct", "dq_quarantine_rate")
                .doesNotContain("idd_mean");

        // The registry's history, compared with the file itself.
        JsonNode file = registryFile();
        JsonNode fileV1 = file.at("/versions/0");
        assertThat(fileV1.get("date").asText()).isEqualTo("2026-12-03");
        JsonNode group = r.get("group");
        assertThat(group.get("owner").asText()).isEqualTo(file.get("owner").asText());
        assertThat(group.get("entity").asText()).isEqualTo("wafer_id");
        assertThat(group.get("description").asText())
                .isEqualTo(file.get("description").asText());
        JsonNode groupV1 = group.at("/versions/0");
        assertThat(groupV1.get("version").asText()).isEqualTo("v1");
        assertThat(groupV1.get("date").asText()).isEqualTo("2026-12-03");
        assertThat(groupV1.get("changes").asText())
                .isEqualTo(fileV1.get("changes").asText());
        assertThat(groupV1.at("/definition/window.size").asText()).isEqualTo("5 min");
        assertThat(groupV1.at("/definition/parameters").asText()).isEqualTo("vdd, idd, frequency, temperature");
        assertThat(groupV1.get("runs")).extracting(x -> x.get("kind").asText()).containsExactly("backfill", "features");
        assertThat(groupV1.get("training_sets"))
                .extracting(x -> x.get("model").asText())
                .containsExactly("scrap-v1", "other");
        // Nothing was written to the offline store here, so no stored fingerprint.
        assertThat(groupV1.get("definition_fingerprint").asText()).isEmpty();
        assertThat(r.get("mismatches")).isEmpty();
        JsonNode fileNeighbour = file.at("/features/neighbor_yield_avg");
        assertThat(neighbour.get("description").asText())
                .isEqualTo(fileNeighbour.get("description").asText());
        assertThat(neighbour.get("unit").asText()).isEqualTo("share 0-1");
        assertThat(neighbour.get("transformation").asText())
                .isEqualTo(fileNeighbour.get("transformation").asText());
        JsonNode history = neighbour.at("/history/0");
        assertThat(history.get("version").asText()).isEqualTo("v1");
        assertThat(history.get("date").asText()).isEqualTo("2026-12-03");
        assertThat(history.get("status").asText()).isEqualTo("added");
        assertThat(history.get("changes").asText())
                .isEqualTo(fileV1.get("changes").asText());

        assertThat(r.get("training_sets")).hasSize(2);
        JsonNode scrap = r.at("/training_sets/0");
        assertThat(scrap.get("model").asText()).isEqualTo("scrap-v1");
        assertThat(scrap.get("labels").get(0).asText()).endsWith("/labels.csv");
        assertThat(scrap.at("/feature_tables/0/version").asText()).isEqualTo("v1");
        assertThat(strings(scrap.at("/columns/vdd_cv")))
                .containsExactly(
                        tmp.resolve("data/wafer_aggregates/version=v1").toAbsolutePath() + ".vdd_std",
                        tmp.resolve("data/wafer_aggregates/version=v1").toAbsolutePath() + ".vdd_mean");
        assertThat(r.get("models")).extracting(m -> m.get("name").asText()).containsExactly("other", "scrap-v1");

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html)
                .contains("38 of 38 features covered (100 %)", "neighbor_yield_avg", "scrap-v1")
                .contains(
                        "2026-12-03",
                        esc(fileV1.get("changes").asText()),
                        esc(file.get("owner").asText()))
                .contains("v1 (2026-12-03): added &mdash; "
                        + esc(fileV1.get("changes").asText()))
                .doesNotContain("<script", "src=", "href=", "<link");

        Path only = tmp.resolve("only");
        assertThat(report(new ByteArrayOutputStream(), "--out", only.toString(), "--model", "scrap-v1"))
                .isZero();
        JsonNode filtered = JSON.readTree(only.resolve("report.json").toFile());
        assertThat(filtered.get("training_sets")).hasSize(1);
        assertThat(filtered.get("models"))
                .extracting(m -> m.get("name").asText())
                .containsExactly("scrap-v1");
    }

    /**
     * The page as a browser sees it: headless Chromium renders report.html with the coverage line, logs no console
     * message, and a screenshot is saved under target/ for a person to look at.
     */
    @Test
    void theHtmlLoadsInHeadlessChromiumWithoutConsoleMessages() throws Exception {
        runs();
        Path dir = tmp.resolve("report");
        assertThat(report(new ByteArrayOutputStream(), "--out", dir.toString())).isZero();
        HeadlessChromium browser = new HeadlessChromium(tmp.resolve("chromium"));
        URI page = dir.resolve("report.html").toUri();
        HeadlessChromium.Page loaded = browser.load(page);
        assertThat(loaded.dom()).contains("<p id=\"coverage\" class=\"ok\">38 of 38 features covered (100 %)</p>");
        assertThat(loaded.console()).as("console messages").isEmpty();
        Path png = Path.of("target", "lineage-report.png");
        browser.screenshot(page, png, 1200, 1600);
        assertThat(Files.size(png)).as("screenshot bytes").isGreaterThan(10_000);
    }

    @Test
    void theReportFailsNamingTheFeaturesWithoutLineage() throws Exception {
        runs();
        Path dir = tmp.resolve("report");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // A parameter the runs did not have: its 6 statistics and 2 quality rates have no lineage.
        int code = report(
                printed,
                "--out",
                dir.toString(),
                "--set",
                "schema.fields.vcc={type: float, required: false, nullable: true, parameter: true}");
        assertThat(code).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("38 of 46 features covered (82.6 %)");
        JsonNode r = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(strings(r.at("/coverage/missing"))).containsExactlyInAnyOrder(VCC_FEATURES);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("no lineage for");

        // Another version than the runs wrote (registered, in a copy of the registry): none of its features has
        // lineage yet.
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Files.writeString(
                registry.resolve("wafer_aggregates.yaml"),
                Files.readString(TestConfigs.FEATURES_YAML.resolveSibling("registry/wafer_aggregates.yaml")) + """
                          - version: v2
                            date: 2026-12-04
                            changes: The same definition, run again
                            definition:
                              window: {type: tumbling, size: 5 min, allowed_lateness: 1 min}
                              parameters: {vdd: V, idd: mA, frequency: MHz, temperature: C}
                        """);
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        assertThat(report(
                        v2,
                        "--out",
                        tmp.resolve("v2").toString(),
                        "--version",
                        "v2",
                        "--set",
                        "feature_group.registry=" + registry))
                .isEqualTo(1);
        assertThat(v2.toString(StandardCharsets.UTF_8)).contains("0 of 38 features covered (0 %)");
    }

    /**
     * A v2 registered in a copy of the registry (a 10 min window and the parameter vcc): the report on v2 shows, per
     * feature, what v2 changed for it, and flags a v1 run that wrote vcc's features v1 does not register.
     */
    @Test
    void theHistoryShowsWhatEachVersionChangedPerFeature() throws Exception {
        runs();
        String vcc = "schema.fields.vcc={type: float, unit: V, required: false, nullable: true, parameter: true}";
        FeaturesJobConfig withVcc = TestConfigs.features(root(), vcc);
        try (Lineage lineage = Lineage.open(withVcc)) {
            lineage.start(FeaturesLineage.backfill(withVcc, "fp-4", false, null))
                    .complete();
        }
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Files.writeString(registry.resolve("wafer_aggregates.yaml"), Files.readString(REGISTRY_FILE) + """
                  - version: v2
                    date: 2026-12-05
                    changes: 10 minute windows; the vcc test
                    definition:
                      window: {type: tumbling, size: 10 min, allowed_lateness: 1 min}
                      parameters: {vdd: V, idd: mA, frequency: MHz, temperature: C, vcc: V}
                """);
        // v1's rows as the offline store holds them: the report shows the fingerprint they were written with.
        Path stored = Path.of(DefinitionFile.path(TestConfigs.features(root())).toUri());
        Files.createDirectories(stored.getParent());
        Files.writeString(stored, "{\"definition\": \"sha256:0123abcd\", \"definition_json\": {}}");
        Path dir = tmp.resolve("v2");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        report(
                printed,
                "--out",
                dir.toString(),
                "--version",
                "v2",
                "--set",
                "feature_group.registry=" + registry,
                "--set",
                vcc);
        JsonNode r = JSON.readTree(dir.resolve("report.json").toFile());

        JsonNode v2 = r.at("/group/versions/1");
        assertThat(v2.get("version").asText()).isEqualTo("v2");
        assertThat(v2.get("date").asText()).isEqualTo("2026-12-05");
        assertThat(v2.get("changes").asText()).isEqualTo("10 minute windows; the vcc test");
        assertThat(v2.get("runs")).isEmpty();
        assertThat(v2.get("training_sets")).isEmpty();
        assertThat(strings(v2.get("changes_from_previous")))
                .anySatisfy(l -> assertThat(l).contains("vcc_mean", "dq_vcc_null_rate"))
                .anySatisfy(l -> assertThat(l).contains("size", "5 min", "10 min"));
        assertThat(r.at("/group/versions/0/runs")).hasSize(3);
        assertThat(r.at("/group/versions/0/definition_fingerprint").asText()).isEqualTo("sha256:0123abcd");
        assertThat(v2.get("definition_fingerprint").asText()).isEmpty();

        JsonNode vddHistory = feature(r, "vdd_mean").get("history");
        assertThat(vddHistory).extracting(h -> h.get("status").asText()).containsExactly("added", "changed");
        assertThat(strings(vddHistory.at("/1/feature_changes")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("size", "5 min", "10 min"));
        JsonNode vccHistory = feature(r, "vcc_p95").get("history");
        assertThat(vccHistory).extracting(h -> h.get("status").asText()).containsExactly("absent", "added");
        assertThat(vccHistory.at("/0/present").asBoolean()).isFalse();
        assertThat(vccHistory.at("/1/date").asText()).isEqualTo("2026-12-05");

        // The v1 run with vcc wrote 8 features v1 does not register; the two runs without it match v1.
        assertThat(r.get("mismatches")).singleElement().satisfies(m -> {
            assertThat(m.get("feature_version").asText()).isEqualTo("v1");
            assertThat(m.get("problem").asText()).contains(VCC_FEATURES).doesNotContain("vdd_mean");
        });
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("lineage: run ", "does not register: ");
        assertThat(Files.readString(dir.resolve("report.html")))
                .contains("v2 (2026-12-05): changed: ", "v2 (2026-12-05): added", "10 minute windows; the vcc test")
                .contains("Runs that do not match their registered version", "sha256:0123abcd");
    }

    @Test
    void withoutEventsNothingIsCovered() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(report(printed, "--out", tmp.resolve("r").toString())).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("no events file")
                .contains("0 of 38 features covered (0 %)");
    }

    private static JsonNode feature(JsonNode r, String name) {
        for (JsonNode f : r.get("features")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError(name);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
