package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --features a,b} and {@code --k K}: which features of a data file, sketched how ({@code drift},
 * {@code baseline}).
 */
final class FeatureOptions {

    @Option(
            names = "--features",
            paramLabel = "NAME",
            split = ",",
            description = "features to use (default: every numeric column with values; drift: in both files)")
    private List<String> features;

    @Option(
            names = "--k",
            paramLabel = "K",
            description = "KLL sketch parameter, 8 to 65535 (default ${DEFAULT-VALUE}, the shipped drift.sketch_k)")
    private int k = 1536;

    /** Trimmed, duplicates dropped, order kept; empty when not given. */
    public List<String> features() {
        if (features == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String f : features) {
            if (!f.isBlank()) {
                names.add(f.trim());
            }
        }
        if (names.isEmpty()) {
            throw new ConfigException("--features", "names no feature", "pass e.g. --features vdd,idd");
        }
        return List.copyOf(names);
    }

    public int sketchK() {
        if (k < 8 || k > 65535) {
            throw new ConfigException(
                    "--k", k + " is out of range", "use a KLL parameter between 8 and 65535, e.g. 200");
        }
        return k;
    }
}
