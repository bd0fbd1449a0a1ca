package io.waferflow;

import io.waferflow.cli.AlertsCommand;
import io.waferflow.cli.BaselineCommand;
import io.waferflow.cli.BackfillCommand;
import io.waferflow.cli.Command;
import io.waferflow.cli.DriftCommand;
import io.waferflow.cli.FeaturesCommand;
import io.waferflow.cli.SavepointCommand;
import io.waferflow.cli.VersionCommand;
import io.waferflow.config.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one entry point: {@code waferflow <command> [options]}, like Flink's {@code bin/flink}. Local-only commands
 * (demo, bench) live outside the cluster jar and are looked up by name, so the jar runs without them.
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

    public static void main(String[] argv) {
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
        System.exit(code);
    }

    static int run(String[] argv) throws Exception {
        List<Command> commands = commands();
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.println(overview(commands));
            return argv.length == 0 ? 2 : 0;
        }
        for (Command c : commands) {
            if (c.name().equals(argv[0])) {
                String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
                if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
                    System.out.println(c.usage());
                    return 0;
                }
                return c.run(rest);
            }
        }
        if (LOCAL_COMMANDS.containsKey(argv[0])) {
            System.err.println("waferflow: '" + argv[0] + "' runs only from a source checkout: bin/waferflow " + argv[0]);
            return 2;
        }
        System.err.println("waferflow: unknown command '" + argv[0] + "'\n\n" + overview(commands));
        return 2;
    }

    private static List<Command> commands() {
        List<Command> list = new ArrayList<>();
        list.add(new FeaturesCommand());
        list.add(new SavepointCommand());
        list.add(new VersionCommand());
        list.add(new BackfillCommand());
        list.add(new DriftCommand());
        list.add(new BaselineCommand());
        list.add(new AlertsCommand());
        for (String className : LOCAL_COMMANDS.values()) {
            try {
                list.add((Command) Class.forName(className).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                // Not in this jar: the cluster jar leaves local tooling out.
            }
        }
        return list;
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
