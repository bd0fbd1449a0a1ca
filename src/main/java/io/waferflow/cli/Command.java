package io.waferflow.cli;

import picocli.CommandLine;

/**
 * A {@code waferflow} subcommand: a picocli {@link picocli.CommandLine.Command @Command} whose options picocli fills
 * in, run by {@code call()} or, for a command with sub-subcommands, by its {@code @Command} methods.
 */
public interface Command {

    /**
     * Parses {@code argv} (the arguments after the command's name) and runs the command, as {@code waferflow <name>
     * argv...} would: usage errors print to stderr and return 2, anything else the command throws is thrown.
     */
    default int run(String... argv) throws Exception {
        return CommandRunner.run(new CommandLine(this), System.out, System.err, argv);
    }
}
