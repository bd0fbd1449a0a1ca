package io.waferflow;

import io.waferflow.cli.AlertsCommand;
import io.waferflow.cli.Args;
import io.waferflow.cli.BaselineCommand;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.cli.Command;
import io.waferflow.cli.DriftCommand;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.OfflineCommand;
import io.waferflow.cli.SavepointCommand;
import io.waferflow.cli.VersionCommand;
import io.waferflow.config.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one entry point: {@code waferflow <command> [options]}, like Flink's {@code bin/flink}, and the job jar's main
 * class ({@code flink run -c io.waferflow.WaferFlow waferflow.jar features ...}). Local-only commands (demo, bench,
 * drift-accuracy) live outside the job jar and are looked up by name, so the jar runs without them.
 */
public final class WaferFlow {

    /** Commands available only from a source checkout (bin/waferflow), with the class that implements each. */
    private static final Map<String, String> LOCAL_COMMANDS = new LinkedHashMap<>();

    static {
        LOCAL_COMMANDS.put("demo", "io.waferflow.local.DemoCommand");
        LOCAL_COMMANDS.put("bench", "io.waferflow.local.BenchCommand");
        LOCAL_COMMANDS.put("drift-accuracy", "io.waferflow.local.DriftAccuracyCommand");
    }

    private WaferFlow() {}

    /**
     * From {@code bin/waferflow} ({@code -Dwaferflow.launcher=local}) the exit code is the process's. Inside Flink's
     * client ({@code flink run}, or the JobManager in application mode) the process is Flink's, so success returns
     * and failure throws, as Flink expects of a job's main.
     */
    public static void main(String[] argv) {
        boolean local = "local".equals(System.getProperty("waferflow.launcher"));
        int code;
        try {
            code = run(argv);
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
            throw new IllegalStateException("waferflow " + Args.shown(argv) + " failed (exit code " + code
                    + "); see the message above");
        }
    }

    static int run(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.println(overview(allCommands()));
            return argv.length == 0 ? 2 : 0;
        }
        Optional<Command> command = find(argv[0]);
        if (command.isEmpty()) {
            if (LOCAL_COMMANDS.containsKey(argv[0])) {
                System.err.println("waferflow: '" + argv[0] + "' runs only from a source checkout: bin/waferflow "
                        + argv[0] + " (the job jar leaves local tooling out)");
            } else {
                System.err.println("waferflow: unknown command '" + argv[0] + "'\n\n" + overview(allCommands()));
            }
            return 2;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            System.out.println(command.get().usage());
            return 0;
        }
        return command.get().run(rest);
    }

    /**
     * The named command. A local command is loaded only when it is asked for, so the job commands never touch
     * io.waferflow.local, which the job jar leaves out.
     */
    private static Optional<Command> find(String name) throws ReflectiveOperationException {
        for (Command c : jobCommands()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return localCommand(name);
    }

    /** Commands that run anywhere, including from the job jar under {@code flink run}. */
    private static List<Command> jobCommands() {
        return List.of(new FeaturesCommand(), new SavepointCommand(), new VersionCommand(), new BackfillCommand(),
                new DriftCommand(), new BaselineCommand(), new AlertsCommand(), new OfflineCommand());
    }

    private static List<Command> allCommands() throws ReflectiveOperationException {
        List<Command> list = new ArrayList<>(jobCommands());
        for (String name : LOCAL_COMMANDS.keySet()) {
            localCommand(name).ifPresent(list::add);
        }
        return list;
    }

    /** Empty when its class is not on the class path (the job jar); any other failure to load it is a real error. */
    private static Optional<Command> localCommand(String name) throws ReflectiveOperationException {
        String className = LOCAL_COMMANDS.get(name);
        if (className == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((Command) Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    private static String overview(List<Command> commands) {
        StringBuilder sb = new StringBuilder("Usage: waferflow <command> [options]   (waferflow <command> --help)\n\nCommands:\n");
        int width = commands.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (Command c : commands) {
            sb.append(String.format("  %-" + width + "s  %s%n", c.name(), c.summary()));
        }
        return sb.toString();
    }
}
