package io.waferflow.testing;

import io.waferflow.config.RedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} (from the PATH) that a test can stop and start again on the same port, keeping its data
 * as a production Redis with an append-only file does: an outage of the online store as operators see one. Stopped with
 * SIGTERM, on which Redis writes its append-only file and exits.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    /** Arguments after the port and directory: more settings, or a Sentinel's configuration file first. */
    private final List<String> more;

    private Process process;

    private RedisServerProcess(Path dir, int port, List<String> more) {
        this.dir = dir;
        this.port = port;
        this.more = more;
    }

    /** A server with an append-only file; {@code settings}: more {@code --name value} arguments. */
    public static RedisServerProcess start(Path dir, String... settings) throws Exception {
        Files.createDirectories(dir);
        RedisServerProcess redis = new RedisServerProcess(dir, freePort(), List.of(settings));
        redis.startAgain();
        return redis;
    }

    /** A Sentinel ({@code redis-server FILE --sentinel}) with these configuration lines, in a file it may rewrite. */
    public static RedisServerProcess sentinel(Path dir, String... lines) throws Exception {
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel.conf");
        Files.write(conf, List.of(lines));
        RedisServerProcess redis = new RedisServerProcess(dir, freePort(), List.of(conf.toString(), "--sentinel"));
        redis.startAgain();
        return redis;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public RedisConnection connection() {
        return RedisConnection.plain(host(), port);
    }

    /** Starts the stopped server on the same port and data directory; returns once it answers PING. */
    public void startAgain() throws Exception {
        boolean sentinel = more.contains("--sentinel");
        List<String> command = new ArrayList<>(List.of("redis-server"));
        if (sentinel) {
            command.addAll(more); // the configuration file must come first
        }
        command.addAll(List.of(
                "--port",
                Integer.toString(port),
                "--bind",
                host(),
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                ""));
        if (!sentinel) {
            command.addAll(more);
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Jedis jedis = new Jedis(host(), port)) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "redis-server did not start: " + Files.readString(dir.resolve("redis.log")), notYet);
                }
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM and wait: Redis syncs its append-only file and exits; the port is closed. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
