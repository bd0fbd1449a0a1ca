package io.waferflow.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Stands in for a local-only command (demo, bench, drift-accuracy) where its class is absent, i.e. in the job jar: says
 * where it runs instead of calling the name unknown. Hidden from the command list, and takes any arguments.
 */
@CommandLine.Command(hidden = true, description = "runs only from a source checkout (bin/waferflow)")
public final class LocalOnlyCommand implements Callable<Integer> {

    private final String name;

    @Unmatched
    private List<String> ignored;

    @Spec
    private CommandSpec spec;

    public LocalOnlyCommand(String name) {
        this.name = name;
    }

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println("waferflow: '" + name + "' runs only from a source checkout: bin/waferflow " + name
                        + " (the job jar leaves local tooling out)");
        return CommandRunner.USAGE_ERROR;
    }
}
