package io.waferflow.local;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import io.waferflow.serving.FeatureServer;
import io.waferflow.serving.ServedGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The feature server of {@code bench serve} in a JVM of its own, so that its garbage collections are its own (the load
 * generator's garbage and threads stay in the bench's JVM). {@link #main} is the child: it starts the server on a free
 * loopback port, prints {@code port N}, and stops when its standard input closes. {@link #start} launches one, with
 * {@code -Xlog:gc} into a file the bench reads pauses from ({@link GcPauses#fromLog}).
 *
 * <p>The server is started without the job configuration's live page ({@code /ui}): the page's alert follower would
 * look for a Kafka broker the bench does not start, and the bench measures {@code /v1/features} only.
 */
final class ServeBenchServer implements AutoCloseable {

    private static final String PORT_LINE = "port ";

    private final Process process;
    private final int port;
    private final Path gcLog;

    private ServeBenchServer(Process process, int port, Path gcLog) {
        this.process = process;
        this.port = port;
        this.gcLog = gcLog;
    }

    /**
     * Starts a server process for the configuration file with {@code overrides}, on this JVM's Java and class path,
     * with {@code jvmOptions} before the main class and its GC log in {@code gcLog}.
     */
    static ServeBenchServer start(String configFile, List<String> overrides, List<String> jvmOptions, Path gcLog)
            throws IOException {
        Files.deleteIfExists(gcLog);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xlog:gc:file=" + gcLog);
        String log4j = System.getProperty("log4j.configurationFile");
        if (log4j != null) {
            command.add("-Dlog4j.configurationFile=" + log4j);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServeBenchServer.class.getName());
        command.add(configFile);
        command.addAll(overrides);
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(PORT_LINE)) {
                    int port =
                            Integer.parseInt(line.substring(PORT_LINE.length()).trim());
                    forward(out);
                    return new ServeBenchServer(p, port, gcLog);
                }
                System.out.println(line);
            }
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        p.destroyForcibly();
        throw new IOException("the server process ended before it listened (exit " + waitFor(p) + ")");
    }

    /** The child's log lines after start-up, passed on (they are rare: a failure, a warning). */
    private static void forward(BufferedReader out) {
        Thread t = new Thread(
                () -> {
                    try {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            System.out.println(line);
                        }
                    } catch (IOException e) {
                        // the child ended
                    }
                },
                "serve-bench-server-out");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return port;
    }

    /** The server process's CPU time so far (user and system, ns; to the OS's clock tick), or -1 if unknown. */
    long cpuNanos() {
        return process.info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(-1L);
    }

    Path gcLog() {
        return gcLog;
    }

    /** Closes the child's standard input (it then stops its server and exits); kills it if it has not in 10 s. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        if (waitFor(process) == Integer.MIN_VALUE) {
            process.destroyForcibly();
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : Integer.MIN_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Integer.MIN_VALUE;
        }
    }

    /** The child: {@code ServeBenchServer CONFIG_FILE [key=value ...]}. */
    public static void main(String[] args) throws Exception {
        FeaturesJobConfig config = FeaturesJobConfig.from(
                RawConfig.load(Path.of(args[0]), Arrays.asList(args).subList(1, args.length)));
        try (FeatureServer server =
                FeatureServer.start(config.serving(), config.redisConnection(), ServedGroup.of(config))) {
            System.out.println(PORT_LINE + server.port());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // runs until the bench closes this process's standard input
            }
        }
        System.exit(0); // whatever pool thread is left
    }
}
