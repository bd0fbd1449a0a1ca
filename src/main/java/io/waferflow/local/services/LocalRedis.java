package io.waferflow.local.services;

import io.waferflow.config.RedisConnection;
import io.waferflow.config.Secret;
import io.waferflow.stores.online.RedisClients;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A real {@code redis-server} child process on a free 127.0.0.1 port, for local demo runs and tests of the online
 * store. It is a real server rather than an in-JVM fake so that the Bahir Redis sink and Jedis are exercised against
 * the actual protocol and command semantics.
 *
 * <p>The binary is {@code redis-server} from {@code PATH}; if there is none, the Linux/macOS/Windows binary shipped
 * inside the {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2) is extracted and used. Either way this class
 * starts and stops the process itself, so it always knows the pid it has to stop.
 *
 * <p>The server keeps everything in memory ({@code --save ""}, {@code --appendonly no}) and runs in a temporary working
 * directory, so nothing is written next to the caller's files. A JVM shutdown hook stops it if the JVM exits without
 * {@link #close()} (e.g. a Ctrl-C'd demo); {@link #close()} removes the hook. A {@code kill -9} of the JVM cannot run
 * the hook and leaves the server running.
 *
 * <p>{@link #start(Security, RedisConnection)} starts a server that requires passwords (the default user's
 * {@code requirepass}, an ACL user) and TLS. Its settings go into a {@code redis.conf} readable by the owner only, not
 * onto the command line, where every user of the machine could read the passwords ({@code ps}).
 */
public final class LocalRedis extends LocalService {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRedis.class);

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Another process can take the free port between our probe and redis-server's bind; then we retry. */
    private static final int START_ATTEMPTS = 3;

    private static final int OUTPUT_LINES_KEPT = 50;

    /**
     * What a secured server asks of its clients. {@code requirePass}: the default user's password (empty: none);
     * {@code aclUser}/{@code aclPassword}: an extra ACL user with every permission (empty user: none); TLS (null files:
     * none): the server's PEM certificate and key, and the CA that client certificates must chain to (clients must
     * present one: {@code tls-auth-clients yes}, Redis's default). With TLS the server has no plain port.
     */
    public record Security(
            Secret requirePass, String aclUser, Secret aclPassword, Path tlsCert, Path tlsKey, Path tlsCa) {

        public static Security none() {
            return new Security(Secret.none(), "", Secret.none(), null, null, null);
        }

        boolean tls() {
            return tlsCert != null;
        }
    }

    private final Process process;
    private final int port;
    private final Path workDir;
    private final ProcessOutput output;
    private final RedisConnection connection;

    private LocalRedis(Process process, int port, Path workDir, ProcessOutput output, RedisConnection connection) {
        super("local-redis");
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.output = output;
        this.connection = connection;
    }

    /** Starts a redis-server and returns once it answers PING. */
    public static LocalRedis start() throws Exception {
        return start(Security.none(), RedisConnection.plain(HOST, 0));
    }

    /**
     * Starts a redis-server with passwords and/or TLS and returns once it answers PING through {@code client}: the
     * credentials and TLS settings of the clients (its host and port are replaced by the server's).
     */
    public static LocalRedis start(Security security, RedisConnection client) throws Exception {
        Path executable = findExecutable();
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(executable, freePort(), security, client);
            } catch (PortTakenException e) {
                lastFailure = e;
                LOG.info("redis-server could not bind its port (attempt {} of {}), retrying", attempt, START_ATTEMPTS);
            }
        }
        throw lastFailure;
    }

    private static LocalRedis startOnce(Path executable, int port, Security security, RedisConnection client)
            throws Exception {
        Path workDir = Files.createTempDirectory("waferflow-redis-");
        Process process;
        try {
            Path conf = workDir.resolve("redis.conf");
            Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(conf, configuration(port, workDir, security), StandardCharsets.UTF_8);
            process = new ProcessBuilder(List.of(executable.toString(), conf.toString()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            deleteRecursively(workDir);
            throw e;
        }
        ProcessOutput output = ProcessOutput.drain(process, "local-redis-" + port + "-output");
        LocalRedis redis = new LocalRedis(process, port, workDir, output, client.at(HOST, port));
        // Registered before waiting, so a Ctrl-C during start-up does not leak the process either.
        redis.registerShutdownHook();
        try {
            redis.awaitReady(executable);
        } catch (Throwable t) {
            redis.close();
            throw t;
        }
        LOG.info("redis-server ({}) ready at {}, pid {}", executable, redis.address(), process.pid());
        return redis;
    }

    private void awaitReady(Path executable) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                // Wait for the last lines (e.g. the bind error) before reporting them.
                output.awaitEnd(Duration.ofSeconds(1));
                String text = output.text();
                String message = executable + " exited with code " + process.exitValue() + " before answering PING on "
                        + address() + ". Its output:\n" + text;
                if (text.contains("Address already in use")) {
                    throw new PortTakenException(message);
                }
                throw new IllegalStateException(message);
            }
            try (Jedis jedis = RedisClients.jedis(connection)) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (JedisException notYetListening) {
                // Expected until the server has bound its port.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(executable + " did not answer PING on " + address() + " within "
                        + READY_TIMEOUT.toSeconds() + " s. Its output:\n" + output.text());
            }
            Thread.sleep(20);
        }
    }

    /** redis.conf lines; values quoted as redis.conf reads them (a password may hold spaces or quotes). */
    private static List<String> configuration(int port, Path workDir, Security security) {
        List<String> lines = new ArrayList<>(List.of(
                "bind " + HOST, "save \"\"", "appendonly no", "daemonize no", "dir " + quoted(workDir.toString())));
        if (security.tls()) {
            lines.add("port 0");
            lines.add("tls-port " + port);
            lines.add("tls-cert-file " + quoted(security.tlsCert().toString()));
            lines.add("tls-key-file " + quoted(security.tlsKey().toString()));
            lines.add("tls-ca-cert-file " + quoted(security.tlsCa().toString()));
            lines.add("tls-auth-clients yes");
        } else {
            lines.add("port " + port);
        }
        if (!security.requirePass().isEmpty()) {
            lines.add("requirepass " + quoted(security.requirePass().value()));
        }
        if (!security.aclUser().isEmpty()) {
            lines.add("user " + quoted(security.aclUser()) + " on "
                    + quoted(">" + security.aclPassword().value()) + " ~* &* +@all");
        }
        return lines;
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public String host() {
        return HOST;
    }

    /** How clients reach this server: its address with the credentials and TLS settings it was started for. */
    public RedisConnection connection() {
        return connection;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return HOST + ":" + port;
    }

    /** The redis-server's process id, e.g. for checking that it is gone after {@link #close()}. */
    public long pid() {
        return process.pid();
    }

    /**
     * Stops the server: SIGTERM (redis-server exits cleanly, nothing to save), then SIGKILL if it has not exited within
     * a few seconds; deletes its working directory. Calling it again does nothing.
     */
    @Override
    protected void stop() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "redis-server pid {} did not stop within {} s, killing it",
                        process.pid(),
                        STOP_TIMEOUT.toSeconds());
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "redis-server pid " + process.pid() + " at " + address();
    }

    private static Path findExecutable() throws IOException {
        Optional<Path> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            return onPath.get();
        }
        LOG.info("No redis-server on PATH, using the one bundled in the embedded-redis jar");
        return extractBundled();
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    /**
     * Copies the binary for this OS and CPU out of the embedded-redis jar into a temporary file (deleted when the JVM
     * exits). Kept in its own method so that the jar is only needed on machines without redis-server.
     */
    private static Path extractBundled() throws IOException {
        try {
            return redis.embedded.core.ExecutableProvider.newJarResourceProvider()
                    .get()
                    .toPath();
        } catch (NoClassDefFoundError e) {
            throw new IOException(
                    "No redis-server on PATH and com.github.codemonstur:embedded-redis is not on the"
                            + " class path: install redis-server or add the jar",
                    e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete redis working directory {}", dir, e);
        }
    }

    /** The server exited because its port was taken after we probed it; worth another try on a new port. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    /**
     * Reads the server's output on a daemon thread — an undrained pipe would eventually block redis-server — keeping
     * the last lines for error messages and passing every line to DEBUG logging.
     */
    private static final class ProcessOutput {
        private final Deque<String> lastLines = new ArrayDeque<>();
        private final Thread reader;

        private ProcessOutput(Process process, String threadName) {
            this.reader = new Thread(() -> read(process), threadName);
            this.reader.setDaemon(true);
        }

        static ProcessOutput drain(Process process, String threadName) {
            ProcessOutput output = new ProcessOutput(process, threadName);
            output.reader.start();
            return output;
        }

        private void read(Process process) {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    LOG.debug("redis-server: {}", line);
                    synchronized (lastLines) {
                        if (lastLines.size() == OUTPUT_LINES_KEPT) {
                            lastLines.removeFirst();
                        }
                        lastLines.addLast(line);
                    }
                }
            } catch (IOException streamClosed) {
                // The process is gone; nothing more to read.
            }
        }

        void awaitEnd(Duration timeout) throws InterruptedException {
            reader.join(timeout.toMillis());
        }

        String text() {
            synchronized (lastLines) {
                return String.join("\n", lastLines);
            }
        }
    }
}
