package io.waferflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waferflow.cli.IngestCommand;
import io.waferflow.cli.ShownCommandLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line as a whole: every command and subcommand has --help; usage errors exit with 2 and show picocli's
 * message and the usage; under {@code flink run} a failure throws, with secret overrides masked in the message. Nothing
 * here starts a job: each case fails or stops before a command does its work.
 */
class WaferFlowTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferFlow.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                argv);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAndSubcommandHasHelp() throws Exception {
        List<List<String>> paths = new ArrayList<>();
        collect(WaferFlow.commandLine(), new ArrayList<>(), paths);
        assertThat(paths)
                .as("commands, with the local ones of a source checkout")
                .contains(
                        List.of("features"),
                        List.of("monitor"),
                        List.of("ingest", "stdf"),
                        List.of("savepoint", "inspect"),
                        List.of("savepoint", "bootstrap"),
                        List.of("savepoint", "migrate"),
                        List.of("version", "show"),
                        List.of("version", "switch"),
                        List.of("version", "rollback"),
                        List.of("registry", "list"),
                        List.of("registry", "show"),
                        List.of("registry", "diff"),
                        List.of("serve"),
                        List.of("backfill"),
                        List.of("drift"),
                        List.of("baseline"),
                        List.of("alerts", "tail"),
                        List.of("offline", "orphans"),
                        List.of("offline", "derive"),
                        List.of("materialize"),
                        List.of("training-set"),
                        List.of("demo"),
                        List.of("bench"),
                        List.of("bench", "serve"),
                        List.of("bench", "training-set"),
                        List.of("bench", "stdf"),
                        List.of("drift-accuracy"));
        for (List<String> path : paths) {
            List<String> argv = new ArrayList<>(path);
            argv.add("--help");
            Run help = run(argv.toArray(new String[0]));
            assertThat(help.code).as("exit code of %s", argv).isZero();
            assertThat(help.out).as("help of %s", path).startsWith("Usage: waferflow " + String.join(" ", path));
            assertThat(help.err).as("stderr of %s", argv).isEmpty();
        }
        Run overview = run("--help");
        assertThat(overview.code).isZero();
        assertThat(overview.out).contains("features", "savepoint", "alerts", "demo", "Exit codes");
        assertThat(run("features", "-h").out)
                .contains("--from-savepoint=PATH", "--fresh", "--no-checks", "--config=FILE", "--set=KEY=VALUE");
        assertThat(run("ingest", "stdf", "--help").out)
                .contains("--follow=DIR", "--out=FILE|-", "--speed=tester|max", "--report=FILE", "--config=FILE")
                .contains("Exit codes: 0", IngestCommand.BLOCKED + " every file read, at least one blocked");
        assertThat(run("monitor", "--help").out)
                .contains("--from-savepoint=PATH", "--fresh", "--no-checks", "--config=FILE", "label_max_delay");
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> paths) {
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getKey());
            paths.add(subPath);
            collect(sub.getValue(), subPath, paths);
        }
    }

    @Test
    void usageErrorsExitWith2WithPicocliMessageAndTheUsage() throws Exception {
        assertUsageError(run(), "Missing required subcommand", "Usage: waferflow [-h] COMMAND");
        assertUsageError(run("nonsense"), "Unmatched argument at index 0: 'nonsense'", "Usage: waferflow [-h]");
        assertUsageError(
                run("features", "--no-such-option"), "Unknown option: '--no-such-option'", "Usage: waferflow features");
        assertUsageError(
                run("features", "--config"),
                "Missing required parameter for option '--config'",
                "Usage: waferflow features");
        assertUsageError(
                run("features", "surplus"), "Unmatched argument at index 1: 'surplus'", "Usage: waferflow features");
        assertUsageError(
                run("backfill", "--from", "yesterday"),
                "'yesterday' is not an ISO-8601 instant",
                "Usage: waferflow backfill");
        assertUsageError(
                run("drift", "--baseline", "a.csv", "--current", "b.csv", "--k", "many"),
                "Invalid value for option '--k': 'many' is not an int",
                "Usage: waferflow drift");
        assertUsageError(run("savepoint"), "Missing required subcommand", "Usage: waferflow savepoint [-h] COMMAND");
        assertUsageError(
                run("savepoint", "bootstrap", "--until", "2026-11-27T00:00:00Z"),
                "Missing required option: '--out=DIR'",
                "Usage: waferflow savepoint bootstrap");
        assertUsageError(
                run("savepoint", "bootstrap", "--out", "x", "--timeout", "soon"),
                "'soon' is not a duration",
                "Usage: waferflow savepoint bootstrap");
        assertUsageError(
                run("version", "switch"), "Missing required parameter: 'VERSION'", "Usage: waferflow version switch");
        assertUsageError(run("alerts", "list"), "Unmatched argument at index 1: 'list'", "alerts tail");
    }

    private static void assertUsageError(Run run, String message, String usage) {
        assertThat(run.code).as("exit code: %s", run.err).isEqualTo(2);
        assertThat(run.err).contains(message).contains(usage);
        assertThat(run.out).isEmpty();
    }

    @Test
    void aMistypedSecretOverrideIsMaskedInTheUsageError() throws Exception {
        Run run = run("features", "--sett", "redis.password=hunter2");
        assertThat(run.code).isEqualTo(2);
        assertThat(run.err)
                .contains("'--sett'")
                .contains("redis.password=******")
                .doesNotContain("hunter2");
    }

    @Test
    void aFailedCommandLineShowsSecretOverridesMasked() {
        assertThat(ShownCommandLine.of(new String[] {
                    "features",
                    "--set",
                    "redis.password=hunter2",
                    "--set",
                    "alerts.sinks.webhook_token=${env:TOKEN}",
                    "--set",
                    "redis.port=6380"
                }))
                .isEqualTo("features --set redis.password=****** --set alerts.sinks.webhook_token=${env:TOKEN}"
                        + " --set redis.port=6380");
        assertThat(ShownCommandLine.of(new String[] {"features", "--set=redis.password=hunter2"}))
                .isEqualTo("features --set=redis.password=******");
    }

    /** Under flink run (no -Dwaferflow.launcher=local) success returns and failure throws, with the exit code. */
    @Test
    void underFlinkRunAFailureThrowsWithItsExitCodeAndNoSecret() {
        assertThat(System.getProperty("waferflow.launcher"))
                .as("tests run main as flink run does")
                .isNull();
        String missing = tmp.resolve("missing.yaml").toString();
        assertThatThrownBy(() -> WaferFlow.main(
                        new String[] {"features", "--config", missing, "--set", "redis.password=hunter2"}))
                .as("a configuration error")
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("waferflow features --config " + missing + " --set redis.password=****** failed (exit code"
                        + " 2); see the message above");
        assertThatThrownBy(() -> WaferFlow.main(new String[] {"features", "--sett", "redis.password=hunter2"}))
                .as("a usage error")
                .hasMessageContaining("failed (exit code 2)")
                .hasMessageNotContaining("hunter2");
        // Nothing listens on port 1: Jedis fails to connect, which is neither a usage nor a configuration error.
        assertThatThrownBy(() -> WaferFlow.main(
                        new String[] {"version", "show", "--set", "redis.host=127.0.0.1", "--set", "redis.port=1"}))
                .as("any other failure")
                .hasMessageContaining("failed (exit code 1)");
        WaferFlow.main(new String[] {"version", "--help"});
    }
}
