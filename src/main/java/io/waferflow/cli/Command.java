package io.waferflow.cli;

/** A {@code bin/waferflow} subcommand. */
public interface Command {

    String name();

    /** One line for the command list. */
    String summary();

    /** The full --help text. */
    String usage();

    /** Runs the command; returns the process exit code. */
    int run(String[] args) throws Exception;
}
