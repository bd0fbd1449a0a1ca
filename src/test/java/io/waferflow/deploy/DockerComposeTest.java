package io.waferflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.testing.BuildSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.util.NetUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker/docker-compose.yml}, checked without Docker against what the build produces and what the job and the
 * cluster configuration expect: image versions, the jar's name, the main class, mounted paths, ports, the job's
 * settings, and Prometheus' targets.
 */
class DockerComposeTest {

    private static final String SUBMITTER = "submit-features";
    private static final List<String> FLINK_SERVICES = List.of("jobmanager", "taskmanager", SUBMITTER);
    /** The feature API: the Flink image for its Java 17 and Flink's libraries, but not a Flink process. */
    private static final String SERVE = "serve";

    private static Compose compose;
    /** The submitter's {@code flink run} command, split into words. */
    private static List<String> flinkRun;

    @BeforeAll
    static void load() throws IOException {
        compose = Compose.load();
        String script = compose.command(SUBMITTER).get(2); // bash -c <script>
        String joined = script.replace("\\\n", " ");
        String runLine = joined.lines()
                .map(String::trim)
                .filter(l -> l.startsWith("flink run "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no `flink run` in " + SUBMITTER + ": " + script));
        flinkRun = List.of(runLine.split("\\s+"));
    }

    @Test
    void imagesArePinnedToReleases() {
        for (String service : compose.services()) {
            assertThat(compose.image(service))
                    .as(service)
                    .matches("[\\w./-]+:v?\\d+\\.\\d+\\.\\d+[\\w.-]*")
                    .doesNotContain("latest");
        }
    }

    @Test
    void flinkServicesRunTheBuildsFlinkVersionOnJava17() {
        Set<String> flinkServices = new HashSet<>();
        for (String service : compose.services()) {
            if (compose.image(service).startsWith("flink:")) {
                flinkServices.add(service);
                assertThat(compose.image(service))
                        .isEqualTo("flink:" + BuildSettings.flinkVersion() + "-scala_2.12-java17");
            }
        }
        List<String> expected = new ArrayList<>(FLINK_SERVICES);
        expected.add(SERVE);
        assertThat(flinkServices).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyMountedHostPathExistsOrIsTheBuildsJobJar() {
        Path jobJar = BuildSettings.jobJar().normalize();
        for (String service : compose.services()) {
            for (Compose.Mount m : compose.mounts(service)) {
                if (!m.isBind()) {
                    assertThat(compose.namedVolumes()).as(service + " volume").contains(m.source());
                } else if (m.hostPath().getFileName().toString().endsWith(".jar")) {
                    assertThat(m.hostPath())
                            .as(service + ": the job jar mvn builds")
                            .isEqualTo(jobJar);
                    assertThat(jarMountFails(service))
                            .as("a missing jar fails `up`, leaves no directory")
                            .isTrue();
                } else {
                    assertThat(m.hostPath()).as(service + " mount").exists();
                }
            }
        }
    }

    @Test
    void hostPortsAreTheDocumentedOnesWithoutCollisions() {
        Map<Integer, String> byHostPort = new HashMap<>();
        for (String service : compose.services()) {
            for (int hostPort : compose.publishedPorts(service).keySet()) {
                assertThat(byHostPort.put(hostPort, service))
                        .as("host port " + hostPort + " published twice")
                        .isNull();
            }
        }
        // docker/README.md lists these.
        assertThat(byHostPort)
                .isEqualTo(Map.of(
                        9092,
                        "kafka",
                        6379,
                        "redis",
                        8081,
                        "jobmanager",
                        9090,
                        "prometheus",
                        3000,
                        "grafana",
                        8090,
                        SERVE));
    }

    /**
     * The image's entry point rewrites conf/config.yaml in place: flink-conf/ is mounted read-only elsewhere and copied
     * into conf/ by our entry point, so the repository's file is never rewritten and the image's settings still apply.
     */
    @Test
    void flinkConfIsCopiedIntoTheImagesConfNotMountedOverIt() throws IOException {
        for (String service : FLINK_SERVICES) {
            Compose.Mount conf = compose.mounts(service).stream()
                    .filter(m -> m.hostPath().equals(Path.of("flink-conf")))
                    .findFirst()
                    .orElseThrow();
            assertThat(conf.readOnly()).isTrue();
            assertThat(conf.target()).doesNotStartWith("/opt/flink/conf");

            List<?> entrypoint = (List<?>) compose.service(service).get("entrypoint");
            Path script =
                    compose.hostPath(service, entrypoint.get(1).toString()).orElseThrow();
            String text = Files.readString(script);
            assertThat(text).contains("cp " + conf.target() + "/config.yaml").contains("exec /docker-entrypoint.sh");
        }
    }

    /** The image's entry point splits each line at the first colon and strips all whitespace. */
    @Test
    void flinkPropertiesAreKeysFlinkKnowsWithValuesWithoutSpaces() {
        Set<String> known = FlinkConfigKeys.known();
        for (String service : FLINK_SERVICES) {
            Map<String, String> properties = flinkProperties(service);
            assertThat(properties).isNotEmpty();
            properties.forEach((key, value) -> {
                assertThat(known).as("Flink key").contains(key);
                assertThat(value).as(key).doesNotContainAnyWhitespaces().isNotEmpty();
            });
        }
    }

    @Test
    void submitsTheFeaturesJobFromTheBuildsJarWithThePomsMainClass() {
        assertThat(flinkRun.subList(0, 3)).containsExactly("flink", "run", "-d");
        assertThat(argumentAfter("-c")).isEqualTo(BuildSettings.mainClass());
        String jar = flinkRun.get(flinkRun.indexOf("-c") + 2);
        assertThat(compose.hostPath(SUBMITTER, jar))
                .contains(BuildSettings.jobJar().normalize());
        assertThat(flinkRun.get(flinkRun.indexOf(jar) + 1)).isEqualTo("features");
        assertThat(compose.hostPath(SUBMITTER, argumentAfter("--config"))).contains(TestConfigs.FEATURES_YAML);
    }

    /** The submitter's overrides pass the job's own validation, and name services of this file. */
    @Test
    void jobReachesKafkaAndRedisThroughTheComposeNetwork() {
        FeaturesJobConfig job = TestConfigs.features(overrides());
        assertThat(compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"))
                .contains("//" + job.kafkaBootstrapServers());
        assertThat(compose.services()).contains(job.redisHost());
        assertThat(job.redisPort()).isEqualTo(6379);
    }

    /**
     * Checkpoint metadata (JobManager) and data (TaskManagers) must be one set of files, as must the Parquet output.
     */
    @Test
    void jobAndClusterWriteStateToTheVolumeAllFlinkContainersShare() {
        String shared = null;
        for (String service : FLINK_SERVICES) {
            Compose.Mount state = compose.mounts(service).stream()
                    .filter(m -> !m.isBind())
                    .findFirst()
                    .orElseThrow();
            assertThat(shared == null || shared.equals(state.target()))
                    .as(service)
                    .isTrue();
            shared = state.target();
        }
        FeaturesJobConfig job = TestConfigs.features(overrides());
        Map<String, String> cluster = flinkProperties("jobmanager");
        for (String location : List.of(
                job.checkpointDirUri(),
                job.offlineRootUri(),
                cluster.get("execution.checkpointing.dir"),
                cluster.get("execution.checkpointing.savepoint-dir"))) {
            URI uri = URI.create(location);
            assertThat(uri.getScheme()).isEqualTo("file");
            assertThat(uri.getPath()).startsWith(shared + "/");
        }
    }

    /**
     * The feature API runs the build's jar with the pom's main class and the Flink image's libraries, with a job
     * configuration that passes validation, reaches the compose Redis, listens on every interface inside the container
     * on the port it publishes, and is published on the host's loopback only.
     */
    @Test
    void serveRunsTheFeatureApiFromTheJobJar() {
        List<String> entrypoint = ((List<?>) compose.service(SERVE).get("entrypoint"))
                .stream().map(String::valueOf).toList();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.get(1)).isEqualTo("-cp");
        List<String> classPath = List.of(entrypoint.get(2).split(":"));
        assertThat(compose.hostPath(SERVE, classPath.get(0)))
                .contains(BuildSettings.jobJar().normalize());
        assertThat(classPath).contains("/opt/flink/lib/*");
        assertThat(entrypoint.get(3)).isEqualTo(BuildSettings.mainClass());

        List<String> command = compose.command(SERVE);
        assertThat(command.get(0)).isEqualTo("serve");
        assertThat(compose.hostPath(SERVE, command.get(command.indexOf("--config") + 1)))
                .contains(TestConfigs.FEATURES_YAML);
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < command.size() - 1; i++) {
            if (command.get(i).equals("--set")) {
                overrides.add(command.get(i + 1));
            }
        }
        FeaturesJobConfig config = TestConfigs.features(overrides);
        assertThat(compose.services()).contains(config.redisHost());
        assertThat(config.serving().host()).isEqualTo("0.0.0.0");
        assertThat(compose.publishedPorts(SERVE)).containsValue(config.serving().port());
        assertThat(((List<?>) compose.service(SERVE).get("ports")).get(0).toString())
                .startsWith("127.0.0.1:");
    }

    @Test
    void createsTheTopicsTheJobReadsAndWrites() {
        FeaturesJobConfig job = TestConfigs.features();
        String script = String.join(" ", compose.command("kafka-topics"));
        assertThat(script)
                .contains(job.inputTopic(), job.violationsTopic(), job.alerts().kafkaTopic());
    }

    @Test
    void prometheusScrapesEveryFlinkProcessOnTheReportersPort() throws IOException {
        Map<String, Object> prometheus;
        Path file =
                compose.hostPath("prometheus", "/etc/prometheus/prometheus.yml").orElseThrow();
        try (Reader in = Files.newBufferedReader(file)) {
            prometheus = new Yaml().load(in);
        }
        String portRange = GlobalConfiguration.loadConfiguration("flink-conf")
                .getString(FlinkConfigKeys.PROMETHEUS_REPORTER + "port", null);
        int firstPort = NetUtils.getPortRangeFromString(portRange).next();

        Set<String> scraped = new HashSet<>();
        for (Map<?, ?> job : DockerComposeTest.<Map<?, ?>>listOf(prometheus.get("scrape_configs"))) {
            for (Map<?, ?> discovery : DockerComposeTest.<Map<?, ?>>listOf(job.get("dns_sd_configs"))) {
                // One reporter per container, so each takes the first port of the range.
                assertThat(discovery.get("port")).isEqualTo(firstPort);
                listOf(discovery.get("names")).forEach(name -> scraped.add(name.toString()));
            }
        }
        assertThat(scraped).containsExactlyInAnyOrder("jobmanager", "taskmanager");
        assertThat(compose.command("jobmanager")).containsExactly("jobmanager");
        assertThat(compose.command("taskmanager")).containsExactly("taskmanager");
    }

    /** Long-syntax bind mount with create_host_path false: Docker refuses a missing source instead of creating it. */
    private static boolean jarMountFails(String service) {
        for (Object v : (List<?>) compose.service(service).get("volumes")) {
            if (v instanceof Map<?, ?> m && m.get("source").toString().endsWith(".jar")) {
                return Boolean.FALSE.equals(((Map<?, ?>) m.get("bind")).get("create_host_path"));
            }
        }
        return false;
    }

    private static String argumentAfter(String option) {
        return flinkRun.get(flinkRun.indexOf(option) + 1);
    }

    /** The submitter's {@code --set key=value} overrides of the job configuration. */
    private static List<String> overrides() {
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < flinkRun.size() - 1; i++) {
            if (flinkRun.get(i).equals("--set")) {
                overrides.add(flinkRun.get(i + 1));
            }
        }
        assertThat(overrides).isNotEmpty();
        return overrides;
    }

    private static Map<String, String> flinkProperties(String service) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : compose.environment(service)
                .getOrDefault("FLINK_PROPERTIES", "")
                .split("\n")) {
            if (!line.isBlank()) {
                String[] kv = line.split(":", 2);
                properties.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
            }
        }
        return properties;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Object yamlList) {
        return yamlList == null ? List.of() : (List<T>) yamlList;
    }
}
