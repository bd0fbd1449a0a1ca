package io.waferflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real standalone Flink cluster for a test: {@code bin/flink-cluster} started as its own processes (a JobManager and
 * TaskManagers, each a JVM) on free ports, driven through Flink's CLI and REST API, stopped by pid.
 */
public final class StandaloneCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of("").toAbsolutePath();
    /** The Prometheus reporter's ports: one per process, the first free ones of this range. */
    public static final int PROMETHEUS_PORTS = 6;

    private final Path work;
    private final int restPort;
    private final int prometheusFrom;
    private final HttpClient http = HttpClient.newHttpClient();

    private StandaloneCluster(Path work, int restPort, int prometheusFrom) {
        this.work = work;
        this.restPort = restPort;
        this.prometheusFrom = prometheusFrom;
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers from flink-conf/ with these settings on top. */
    public static StandaloneCluster start(Path work, int taskManagers, String... settings) throws Exception {
        int rest = freePort();
        int prometheus = freePortRange(PROMETHEUS_PORTS);
        List<String> command = new ArrayList<>(List.of(
                "bin/flink-cluster",
                "start",
                "--work",
                work.toString(),
                "--taskmanagers",
                Integer.toString(taskManagers),
                "-D",
                "rest.port=" + rest,
                "-D",
                "rest.bind-port=" + rest,
                "-D",
                "jobmanager.rpc.port=" + freePort(),
                "-D",
                "metrics.reporter.prom.port=" + prometheus + "-" + (prometheus + PROMETHEUS_PORTS - 1)));
        for (String s : settings) {
            command.add("-D");
            command.add(s);
        }
        StandaloneCluster cluster = new StandaloneCluster(work, rest, prometheus);
        try {
            System.out.println(run(command, Duration.ofMinutes(5)).strip());
            cluster.await(
                    Duration.ofSeconds(90),
                    "TaskManagers to register",
                    () -> cluster.get("/taskmanagers").path("taskmanagers").size() == taskManagers);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close(); // whatever did start must not outlive the test
            throw e;
        }
    }

    /** Runs Flink's CLI against this cluster and returns what it printed (failing the test if it failed). */
    public String flink(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/flink-cluster", "flink", "--work", work.toString()));
        command.addAll(List.of(args));
        return run(command, Duration.ofMinutes(5));
    }

    /** Submits a detached job and returns its id. */
    public String submit(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run", "-d"));
        all.addAll(List.of(args));
        String out = flink(all.toArray(new String[0]));
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no job id in the CLI's output:\n" + out);
        }
        return m.group(1);
    }

    /** {@code flink stop --savepointPath DIR JOB}: the savepoint's path. */
    public String stopWithSavepoint(String jobId, Path dir) throws Exception {
        String out = flink("stop", "--savepointPath", dir.toUri().toString(), jobId);
        Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no savepoint path in the CLI's output:\n" + out);
        }
        return m.group(1);
    }

    public JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /** The checkpoint the job last restored from, or null if it never restored. */
    public JsonNode restoredFrom(String jobId) {
        JsonNode restored =
                get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? null : restored;
    }

    /** {@code kill -9} of a TaskManager process: no shutdown, no goodbye to the JobManager. */
    public void killTaskManager(int n) throws Exception {
        long pid = Long.parseLong(
                Files.readString(work.resolve("pids/taskmanager-" + n + ".pid")).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    }

    /** Starts TaskManager {@code n} again (after {@link #killTaskManager}), as a supervisor would. */
    public void startTaskManager(int n) throws Exception {
        run(
                List.of("bin/flink-cluster", "start-taskmanager", Integer.toString(n), "--work", work.toString()),
                Duration.ofMinutes(2));
    }

    /** Every metric line the processes' Prometheus reporters serve right now. */
    public String scrapePrometheus() {
        StringBuilder all = new StringBuilder();
        for (int port = prometheusFrom; port < prometheusFrom + PROMETHEUS_PORTS; port++) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                all.append(r.body()).append('\n');
            } catch (IOException e) {
                // no process on this port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return all.toString();
    }

    public void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + timeout + " waiting for " + what + " (logs: " + work.resolve("log") + ")");
            }
            Thread.sleep(500);
        }
    }

    public Path logs() {
        return work.resolve("log");
    }

    /** Stops every process, and keeps their logs under target/cluster-logs/ (the work folder is usually temporary). */
    @Override
    public void close() throws Exception {
        System.out.println(run(List.of("bin/flink-cluster", "stop", "--work", work.toString()), Duration.ofMinutes(2))
                .strip());
        Path kept = HOME.resolve("target/cluster-logs");
        Files.createDirectories(kept);
        if (!Files.isDirectory(work.resolve("log"))) {
            return;
        }
        try (var logs = Files.list(work.resolve("log"))) {
            for (Path f : (Iterable<Path>) logs::iterator) {
                Files.copy(f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Runs a command to its end (at most {@code timeout}; its output goes to a file, so a hang cannot block us). */
    private static String run(List<String> command, Duration timeout) throws Exception {
        Path output = Files.createTempFile("flink-cluster-", ".out");
        Process p = new ProcessBuilder(command)
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        String text;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(output));
            }
            text = Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(output);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first port of {@code n} consecutive free ones. */
    private static int freePortRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int from = freePort();
            if (from + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = from; p < from + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return from;
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }
}
