package io.waferflow;

import io.waferflow.cli.AlertsCommand;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.cli.BaselineCommand;
import io.waferflow.cli.CommandRunner;
import io.waferflow.cli.DriftCommand;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.IngestCommand;
import io.waferflow.cli.LineageCommand;
import io.waferflow.cli.LocalOnlyCommand;
import io.waferflow.cli.MaterializeCommand;
import io.waferflow.cli.MonitorCommand;
import io.waferflow.cli.OfflineCommand;
import io.waferflow.cli.OfflineReportCommand;
import io.waferflow.cli.RegistryCommand;
import io.waferflow.cli.SavepointCommand;
import io.waferflow.cli.ServeCommand;
import io.waferflow.cli.ShownCommandLine;
import io.waferflow.cli.TrainingSetCommand;
import io.waferflow.cli.VersionCommand;
import io.waferflow.config.ConfigException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The one entry point: {@code waferflow <command> [options]}, like Flink's {@code bin/flink}, and the job jar's main
 * class ({@code flink run -c io.waferflow.WaferFlow waferflow.jar features ...}). Local-only commands (demo, bench,
 * drift-accuracy) live outside the job jar and are looked up by class name, so the jar runs without them.
 */
@Command(
        name = "waferflow",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Feature store and real-time monitoring for semiconductor wafer-test data, on Apache Flink.",
            "'waferflow COMMAND --help' describes a command and its options."
        },
        footer = {"", "Exit codes: 0 done, 1 failed, 2 usage or configuration error."})
public final class WaferFlow {

    /** Commands available only from a source checkout (bin/waferflow), with the class that implements each. */
    private static final Map<String, String> LOCAL_COMMANDS = new LinkedHashMap<>();

    static {
        LOCAL_COMMANDS.put("demo", "io.waferflow.local.DemoCommand");
        LOCAL_COMMANDS.put("bench", "io.waferflow.local.BenchCommand");
        LOCAL_COMMANDS.put("drift-accuracy", "io.waferflow.local.DriftAccuracyCommand");
        LOCAL_COMMANDS.put("monitor-detection", "io.waferflow.local.MonitorDetectionCommand");
    }

    // Inherited: every command and subcommand takes --help.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            scope = ScopeType.INHERIT,
            description = "show this help")
    private boolean help;

    private WaferFlow() {}

    /**
     * From {@code bin/waferflow} ({@code -Dwaferflow.launcher=local}) the exit code is the process's. Inside Flink's
     * client ({@code flink run}, or the JobManager in application mode) the process is Flink's, so success returns and
     * failure throws, as Flink expects of a job's main.
     */
    public static void main(String[] argv) {
        boolean local = "local".equals(System.getProperty("waferflow.launcher"));
        int code;
        try {
            code = run(System.out, System.err, argv);
        } catch (ConfigException e) {
            System.err.println("waferflow: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("waferflow: failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        if (local) {
            System.exit(code);
        }
        if (code != 0) {
            // Under flink run this message reaches the JobManager's log and REST answers: no secret in it.
            throw new IllegalStateException("waferflow " + ShownCommandLine.of(argv) + " failed (exit code " + code
                    + "); see the message above");
        }
    }

    /** Runs a command line; usage errors print their message and usage to {@code err} and return 2. */
    static int run(PrintStream out, PrintStream err, String... argv) throws Exception {
        return CommandRunner.run(commandLine(), out, err, argv);
    }

    /** Every command: those of the job jar, then the local ones, loaded by name where present. */
    static CommandLine commandLine() throws ReflectiveOperationException {
        CommandLine cli = new CommandLine(new WaferFlow());
        for (Object command : List.of(
                new FeaturesCommand(),
                new IngestCommand(),
                new MonitorCommand(),
                new SavepointCommand(),
                new VersionCommand(),
                new ServeCommand(),
                new BackfillCommand(),
                new DriftCommand(),
                new BaselineCommand(),
                new AlertsCommand(),
                new OfflineCommand(),
                new MaterializeCommand(),
                new RegistryCommand(),
                new TrainingSetCommand(),
                new LineageCommand(),
                new OfflineReportCommand())) {
            cli.addSubcommand(command);
        }
        for (Map.Entry<String, String> local : LOCAL_COMMANDS.entrySet()) {
            cli.addSubcommand(local.getKey(), localCommand(local.getKey(), local.getValue()));
        }
        return cli;
    }

    /**
     * The local command, or a stand-in that says it runs only from a source checkout when its class is not on the class
     * path (the job jar). Loaded by name, so no job jar class links to io.waferflow.local; any other failure to load it
     * is a real error.
     */
    private static Object localCommand(String name, String className) throws ReflectiveOperationException {
        try {
            return Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return new LocalOnlyCommand(name);
        }
    }
}
