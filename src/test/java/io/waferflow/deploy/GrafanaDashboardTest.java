package io.waferflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waferflow.drift.DriftGauges;
import io.waferflow.metrics.OnlineWriteMetrics;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.model.Severity;
import io.waferflow.monitor.ModelGauges;
import io.waferflow.testing.DashboardMetricNames;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard in {@code docker/grafana}: it loads (provisioning and compose agree), it covers what an
 * operator of the features job watches, and its queries use only the metric names listed in
 * {@code docker/grafana/metric-names.txt}, whose job-specific names follow from the job's counters.
 */
class GrafanaDashboardTest {

    private static final Path GRAFANA = Compose.DIR.resolve("grafana");
    private static final Pattern METRIC_NAME = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    private static JsonNode dashboard;

    @BeforeAll
    static void load() throws IOException {
        dashboard = new ObjectMapper()
                .readTree(GRAFANA.resolve("dashboards/waferflow.json").toFile());
    }

    @Test
    void hasAPanelForEachThingAnOperatorWatches() {
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(titles)
                .containsExactly(
                        "Throughput",
                        "Kafka lag",
                        "Windows written",
                        "Violations by severity",
                        "Drift tests",
                        "Alerts",
                        "Checkpoint duration",
                        "Job restarts",
                        "Drift per feature",
                        "Online store",
                        "Model quality");
    }

    @Test
    void everyQueryGoesToTheProvisionedPrometheus() throws IOException {
        Map<String, Object> datasource = listOf(yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yml"))
                        .get("datasources"))
                .get(0);
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        assertThat(Compose.load().publishedPorts("prometheus")).containsValue(9090);

        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.at("/datasource/uid").asText()).isEqualTo(datasource.get("uid"));
                assertThat(target.get("expr").asText()).isNotBlank();
            }
        }
    }

    @Test
    void grafanaLoadsTheDashboardFromTheMountedFolder() throws IOException {
        Compose compose = Compose.load();
        Map<String, Object> provider = listOf(yaml(GRAFANA.resolve("provisioning/dashboards/waferflow.yml"))
                        .get("providers"))
                .get(0);
        String folder = ((Map<?, ?>) provider.get("options")).get("path").toString();
        assertThat(compose.hostPath("grafana", folder)).contains(GRAFANA.resolve("dashboards"));
        assertThat(compose.hostPath("grafana", "/etc/grafana/provisioning/dashboards/waferflow.yml"))
                .isPresent();
        String home = compose.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(compose.hostPath("grafana", home)).contains(GRAFANA.resolve("dashboards/waferflow.json"));
    }

    @Test
    void queriesExactlyTheListedMetricNames() {
        Set<String> used = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = METRIC_NAME.matcher(target.get("expr").asText());
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        List<String> listed = new ArrayList<>(DashboardMetricNames.load());
        listed.addAll(DashboardMetricNames.monitor());
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(used).containsExactlyInAnyOrderElementsOf(listed);
    }

    /**
     * Flink's Prometheus reporter names an operator's metric in a user group
     * {@code flink_taskmanager_job_task_operator_<group>_<name>}; the counters are registered on operators in group
     * {@link PipelineCounter#GROUP}. A listed name of that form must be a counter the job declares.
     */
    @Test
    void jobMetricNamesAreTheJobsCounters() throws IllegalAccessException {
        String prefix = "flink_" + String.join("_", "taskmanager", "job", "task", "operator") + "_"
                + PipelineCounter.GROUP + "_";
        Set<String> counters = declaredCounters();
        List<String> jobNames = java.util.stream.Stream.concat(
                        DashboardMetricNames.load().stream(), DashboardMetricNames.monitor().stream())
                .filter(n -> n.startsWith(prefix))
                .toList();
        assertThat(jobNames).hasSizeGreaterThan(10);
        assertThat(jobNames).allSatisfy(name -> assertThat(counters).contains(name.substring(prefix.length())));
    }

    /**
     * The job's metric names under its group: {@link PipelineCounter}'s name constants and one violation counter per
     * severity, {@link OnlineWriteMetrics}' names, and {@link DriftGauges}' names under their feature group.
     */
    private static Set<String> declaredCounters() throws IllegalAccessException {
        Set<String> names = new HashSet<>(constants(PipelineCounter.class, ""));
        for (Severity s : Severity.values()) {
            names.add(PipelineCounter.violationsOfSeverity(s.name()));
        }
        names.addAll(constants(OnlineWriteMetrics.class, ""));
        names.addAll(constants(DriftGauges.class, DriftGauges.FEATURE + "_"));
        names.addAll(constants(ModelGauges.class, ModelGauges.MODEL + "_"));
        return names;
    }

    private static Set<String> constants(Class<?> type, String prefix) throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && !f.getName().equals("GROUP")
                    && !f.getName().equals("FEATURE")
                    && !f.getName().equals("MODEL")) {
                names.add(prefix + f.get(null));
            }
        }
        return names;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file)) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Object yamlList) {
        return (List<Map<String, Object>>) yamlList;
    }
}
