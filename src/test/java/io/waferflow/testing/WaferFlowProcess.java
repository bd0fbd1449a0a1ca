package io.waferflow.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code waferflow} command in a process of its own, started the way {@code bin/waferflow} starts it (the same JVM
 * flags, log configuration and class path: the build's classes and the local class path Maven wrote at compile time),
 * so a test can kill it with {@code kill -9} and start it again. Output goes to a log file; {@link #close} stops the
 * process by its handle.
 */
public final class WaferFlowProcess implements AutoCloseable {

    private static final Path HOME = Path.of("").toAbsolutePath();

    private final Process process;
    private final Path log;

    private WaferFlowProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static WaferFlowProcess start(Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String line : Files.readAllLines(HOME.resolve("bin/jvm-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                command.add(line.strip());
            }
        }
        command.add("-Dlog4j.configurationFile=" + HOME.resolve("bin/log4j2-local.properties"));
        command.add("-Dwaferflow.launcher=local");
        command.add("-cp");
        command.add(HOME.resolve("target/classes") + ":"
                + Files.readString(HOME.resolve("target/local-classpath.txt")).strip());
        command.add("io.waferflow.WaferFlow");
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command)
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WaferFlowProcess(p, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no cancel, no final checkpoint. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("process " + pid() + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, as {@code kill} or a service manager's stop: shutdown hooks run. */
    public void sigterm() {
        process.destroy();
    }

    /** The exit code, once the process ended within {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + pid() + " still runs after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
