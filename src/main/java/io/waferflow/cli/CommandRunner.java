package io.waferflow.cli;

import io.waferflow.config.RawConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs a picocli command line the way every {@code waferflow} command runs: a usage error (an unknown option, a missing
 * or badly typed value, a missing subcommand) prints picocli's message and the command's usage to {@code err} and
 * returns exit code 2; {@code --help} prints the generated usage to {@code out} and returns 0; otherwise the command's
 * own exit code is returned and whatever it throws reaches the caller unwrapped, so that
 * {@link io.waferflow.WaferFlow#main} decides the exit code (or the failure under {@code flink run}) in one place.
 */
public final class CommandRunner {

    /** The exit code of a usage error, as of a configuration error. */
    public static final int USAGE_ERROR = 2;

    private static final int HELP_WIDTH = 120;

    private CommandRunner() {}

    public static int run(CommandLine cli, PrintStream out, PrintStream err, String... argv) throws Exception {
        configure(cli, out, err);
        try {
            ParseResult parsed = cli.parseArgs(argv);
            return new CommandLine.RunLast().execute(parsed);
        } catch (ParameterException e) {
            usageError(e, err, argv);
            return USAGE_ERROR;
        } catch (ExecutionException e) {
            // picocli wraps what a command throws; the caller maps it to an exit code, so it gets the original.
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }

    /**
     * Settings of the whole hierarchy, applied after every subcommand was added (picocli copies them to the subcommands
     * present when they are set).
     */
    private static void configure(CommandLine cli, PrintStream out, PrintStream err) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // An argument starting with @ is a value (a --set value may be one), never a file of arguments.
        cli.setExpandAtFiles(false);
        // An option given twice takes the last value, as before picocli: scripts append to shared option strings.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.registerConverter(Instant.class, CommandRunner::instant);
        cli.registerConverter(Duration.class, CommandRunner::duration);
        layOutUsage(cli);
    }

    /** Options in the order the command declares them (the important ones first), under headings. */
    private static void layOutUsage(CommandLine cli) {
        cli.getCommandSpec()
                .usageMessage()
                .sortOptions(false)
                .parameterListHeading("%nArguments:%n")
                .optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n");
        cli.getSubcommands().values().forEach(CommandRunner::layOutUsage);
    }

    /**
     * picocli's message, its suggestions for a near miss if any, and the usage of the command the error is in. A
     * mistyped secret override (a token picocli cannot match) is shown masked, as in every other message.
     */
    private static void usageError(ParameterException e, PrintStream err, String[] argv) {
        CommandLine where = e.getCommandLine();
        err.println(typedName(where) + ": " + ShownCommandLine.masked(e.getMessage(), argv));
        PrintWriter writer = new PrintWriter(err, true);
        CommandLine.UnmatchedArgumentException.printSuggestions(e, writer);
        where.usage(writer);
        writer.flush();
    }

    /** "waferflow drift": the command as a user types it, also when a command runs on its own (tests). */
    private static String typedName(CommandLine cli) {
        String name = cli.getCommandSpec().qualifiedName(" ");
        return name.equals("waferflow") || name.startsWith("waferflow ") ? name : "waferflow " + name;
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not an ISO-8601 instant (write e.g. " + "2026-11-27T00:00:00Z)");
        }
    }

    /** A duration in Flink's syntax ("90 s", "2 min", "1 h"), as in the configuration file. */
    private static Duration duration(String value) {
        try {
            return RawConfig.parseDuration("option", value);
        } catch (RuntimeException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration of zero or more (write e.g. " + "\"10 s\" or \"5 min\")");
        }
    }
}
