package io.waferflow.cli;

import io.waferflow.config.SecretKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * A command line as it may be shown (an error message, a log): the values of {@code --set} overrides of secret keys
 * masked, unless they are references such as {@code ${env:NAME}}. Under {@code flink run} a failed command's line
 * reaches the JobManager's log and REST answers.
 */
public final class ShownCommandLine {

    private ShownCommandLine() {}

    public static String of(String[] argv) {
        return String.join(" ", tokens(argv));
    }

    /**
     * {@code text} (picocli's message about a usage error, which quotes the tokens it could not match) with every token
     * of {@code argv} that shows a secret replaced by its masked form.
     */
    static String masked(String text, String[] argv) {
        List<String> shown = tokens(argv);
        String result = text;
        for (int i = 0; i < argv.length; i++) {
            if (!shown.get(i).equals(argv[i]) && !argv[i].isEmpty()) {
                result = result.replace(argv[i], shown.get(i));
            }
        }
        return result;
    }

    /** One shown token per argument. */
    private static List<String> tokens(String[] argv) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--set") && i + 1 < argv.length) {
                out.add(arg);
                out.add(SecretKeys.shownOverride(argv[++i]));
            } else if (arg.startsWith("--set=")) {
                out.add("--set=" + SecretKeys.shownOverride(arg.substring("--set=".length())));
            } else {
                // A key=value override typed without --set: masked all the same.
                out.add(SecretKeys.shownOverride(arg));
            }
        }
        return out;
    }
}
