package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that reads the files it is given and prints a report to its own streams (so a test can read them): a file
 * it cannot use is the caller's mistake, reported as {@code waferflow <name>: <why>} with exit code 2.
 */
abstract class ReportCommand implements Command, Callable<Integer> {

    protected final PrintStream out;
    protected final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Writes the report; returns the exit code. */
    abstract int report() throws IOException;

    @Override
    public int run(String... argv) throws Exception {
        return CommandRunner.run(new CommandLine(this), out, err, argv);
    }

    @Override
    public Integer call() throws Exception {
        try {
            return report();
        } catch (ConfigException | FeatureColumnsReader.BadInput | IOException e) {
            err.println("waferflow "
                    + getClass().getAnnotation(CommandLine.Command.class).name() + ": " + e.getMessage());
            return 2;
        }
    }
}
