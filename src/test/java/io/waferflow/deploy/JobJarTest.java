package io.waferflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.testing.BuildSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job jar for {@code flink run} ({@code target/waferflow.jar}), checked entry by entry, as a cluster receives it.
 * It must carry the application and every library a stock Flink 1.20 cluster lacks, and nothing else: no Flink module
 * the cluster already has (two copies of Flink's classes break class loading), nothing that only local runs need (the
 * demo and bench, an embedded Kafka broker, an embedded redis-server) and no test code.
 *
 * <p>The jar is the real one: Maven builds it before the tests (shade in {@code process-test-classes}, see pom.xml), so
 * a plain {@code mvn test} checks what {@code mvn package} ships.
 */
class JobJarTest {

    private static final Path JAR = BuildSettings.jobJar();

    private static Set<String> entries;
    private static Manifest manifest;

    @BeforeAll
    static void readJar() throws IOException {
        assertThat(JAR)
                .as("the job jar; Maven builds it before the tests unless -Djobjar.skip=true")
                .isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = new TreeSet<>(jar.stream().map(ZipEntry::getName).toList());
            manifest = jar.getManifest();
        }
    }

    @Test
    void startsTheCommandLineEntryPoint() {
        String mainClass = BuildSettings.mainClass();
        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo(mainClass);
        assertThat(entries).contains(mainClass.replace('.', '/') + ".class");
    }

    @Test
    void carriesEveryApplicationClassButTheLocalTooling() throws IOException {
        List<String> expected = classFiles(Path.of("target", "classes")).stream()
                .filter(name -> !name.startsWith("io/waferflow/local/"))
                .toList();
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(entries).containsAll(expected);
    }

    @Test
    void carriesTheConnectorsAndLibrariesTheClusterLacks() {
        Map<String, String> required = Map.ofEntries(
                Map.entry("Kafka connector source", "org/apache/flink/connector/kafka/source/KafkaSource.class"),
                Map.entry("Kafka connector sink", "org/apache/flink/connector/kafka/sink/KafkaSink.class"),
                Map.entry("Kafka client", "org/apache/kafka/clients/consumer/KafkaConsumer.class"),
                Map.entry(
                        "Bahir Redis container (the online sink writes through it)",
                        "org/apache/flink/streaming/connectors/redis/common/container/RedisContainer.class"),
                Map.entry("Jedis", "redis/clients/jedis/Jedis.class"),
                Map.entry("DataSketches KLL", "org/apache/datasketches/kll/KllDoublesSketch.class"),
                Map.entry(
                        "Commons Math KS test", "org/apache/commons/math3/stat/inference/KolmogorovSmirnovTest.class"),
                Map.entry("Flink Parquet writers", "org/apache/flink/formats/parquet/avro/AvroParquetWriters.class"),
                Map.entry("Parquet", "org/apache/parquet/hadoop/ParquetWriter.class"),
                Map.entry("Hadoop configuration (Parquet needs it)", "org/apache/hadoop/conf/Configuration.class"),
                Map.entry("Avro", "org/apache/avro/Schema.class"),
                Map.entry("State Processor API", "org/apache/flink/state/api/SavepointReader.class"),
                Map.entry("SnakeYAML (job configuration)", "org/yaml/snakeyaml/Yaml.class"),
                Map.entry("Jackson", "com/fasterxml/jackson/databind/ObjectMapper.class"),
                Map.entry("picocli (the command line the main class parses)", "picocli/CommandLine.class"),
                Map.entry("the feature API (waferflow serve)", "io/waferflow/serving/FeatureServer.class"),
                Map.entry("Caffeine (its row cache)", "com/github/benmanes/caffeine/cache/Caffeine.class"),
                Map.entry("OpenLineage client (run events)", "io/openlineage/client/OpenLineageClient.class"),
                Map.entry(
                        "Apache HttpClient 5 (OpenLineage's HTTP transport)",
                        "org/apache/hc/client5/http/impl/classic/CloseableHttpClient.class"));
        required.forEach((what, entry) -> assertThat(entries).as(what).contains(entry));
    }

    @Test
    void leavesOutWhatTheClusterProvides() {
        assertNoEntryUnder(
                "org/apache/flink/runtime/",
                "org/apache/flink/streaming/api/",
                "org/apache/flink/api/common/",
                "org/apache/flink/configuration/",
                "org/apache/flink/client/",
                "org/apache/flink/connector/file/", // flink-connector-files is in flink-dist
                "org/apache/flink/connector/base/", // shaded into flink-connector-files
                "org/apache/flink/contrib/streaming/state/", // RocksDB state backend, in flink-dist
                "org/rocksdb/",
                "org/apache/flink/metrics/prometheus/", // the reporter is a cluster plugin
                "org/slf4j/",
                "org/apache/logging/log4j/");
    }

    @Test
    void leavesOutLocalToolingAndTestCode() throws IOException {
        assertNoEntryUnder(
                "io/waferflow/local/",
                "io/waferflow/testing/",
                // The in-process Kafka broker's modules; kafka-clients shares only org/apache/kafka/common and a few
                // org/apache/kafka/server interfaces with them (and kafka/ classes: see below).
                "org/apache/kafka/raft/",
                "org/apache/kafka/metadata/",
                "org/apache/kafka/controller/",
                "org/apache/kafka/storage/",
                "org/apache/kafka/image/",
                "org/apache/kafka/coordinator/",
                "org/apache/kafka/server/common/",
                "org/apache/zookeeper/",
                "scala/",
                "redis/embedded/",
                "redis-server-", // embedded-redis's native binaries
                "org/junit/",
                "org/assertj/",
                "org/apache/flink/test/",
                "org/apache/flink/testutils/");
        assertThat(entries.stream()
                        .filter(e -> e.startsWith("kafka/") && e.endsWith(".class"))
                        .limit(3))
                .as("the Scala Kafka broker (kafka-clients puts only kafka/kafka-version.properties there)")
                .isEmpty();
        // By file, not by name pattern: io.waferflow.model.DeviceTest is a record type, not a test.
        List<String> testClasses = classFiles(Path.of("target", "test-classes"));
        assertThat(testClasses).contains("io/waferflow/deploy/JobJarTest.class");
        assertThat(entries.stream().filter(testClasses::contains).limit(3))
                .as("test classes")
                .isEmpty();
    }

    /**
     * A class file names every class it links to in its constant pool. No application class in the jar names a local
     * class (nor the embedded broker or Redis), so {@code flink run ... features} (or backfill, savepoint, version,
     * drift, baseline, alerts) can never need one; the local commands are looked up by name and reported as absent.
     */
    @Test
    void noApplicationClassLinksToLocalTooling() throws IOException {
        // A package root at the start of a name, or right after the L of a type descriptor (Lkafka/...;).
        Pattern localReference =
                Pattern.compile("(?:(?<![\\w/$])|(?<=[^\\w/$]L))(io/waferflow/local/|kafka/|redis/embedded/)");
        List<String> offenders = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String name : entries) {
                if (!name.startsWith("io/waferflow/") || !name.endsWith(".class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    // Class names are ASCII in the constant pool's modified UTF-8.
                    String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    if (localReference.matcher(bytes).find()) {
                        offenders.add(name);
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    /**
     * The jar's main class run as {@code flink run} and {@code bin/waferflow} would, with the jar first on the class
     * path and no class of io.waferflow.local nor a picocli jar beside it: {@code --help} lists the job commands only,
     * and {@code demo} answers that it needs a source checkout, with exit code 2 from the launcher and as a thrown
     * failure under {@code flink run}.
     */
    @Test
    void theJarsCommandLineRunsWithoutLocalToolingAndSaysWhereLocalCommandsRun() throws Exception {
        Main help = runMain(true, "--help");
        assertThat(help.code).as(help.output).isZero();
        assertThat(help.output)
                .contains("features", "savepoint", "offline", "serve")
                .doesNotContain("drift-accuracy");

        Main demo = runMain(true, "demo", "--duration", "1 min");
        assertThat(demo.code).as(demo.output).isEqualTo(2);
        assertThat(demo.output).contains("'demo' runs only from a source checkout: bin/waferflow demo");

        Main underFlinkRun = runMain(false, "bench");
        assertThat(underFlinkRun.code).as(underFlinkRun.output).isNotZero();
        assertThat(underFlinkRun.output)
                .contains("'bench' runs only from a source checkout")
                .contains("IllegalStateException: waferflow bench failed (exit code 2)");
    }

    private record Main(int code, String output) {}

    private static Main runMain(boolean launcher, String... args) throws Exception {
        // The local class path holds every dependency, picocli included: leave picocli out, so it must come from
        // the jar. Flink and logging stay (the cluster has them); target/classes is not on it.
        List<String> classPath = new ArrayList<>(List.of(JAR.toString()));
        for (String entry : Files.readString(Path.of("target", "local-classpath.txt"))
                .strip()
                .split(":")) {
            if (!entry.contains("/info/picocli/")) {
                classPath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", String.join(":", classPath)));
        if (launcher) {
            command.add("-Dwaferflow.launcher=local");
        }
        command.add(BuildSettings.mainClass());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + command);
        }
        return new Main(p.exitValue(), output);
    }

    /** Class files below a class-path root, as jar entry names. */
    private static List<String> classFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }

    private static void assertNoEntryUnder(String... prefixes) {
        for (String prefix : prefixes) {
            assertThat(entries.stream().filter(e -> e.startsWith(prefix)).limit(3))
                    .as(prefix)
                    .isEmpty();
        }
    }
}
