package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.RawConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and repeatable {@code --set key=value}: the job configuration, for every command that reads it.
 */
public final class ConfigOptions {

    public static final String DEFAULT_FILE = "jobs/features.yaml";

    @Option(names = "--config", paramLabel = "FILE", description = "job configuration (default " + DEFAULT_FILE + ")")
    private Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "override a configuration key, e.g. --set kafka.bootstrap_servers=broker:9092 " + "(repeatable)")
    private List<String> overrides = new ArrayList<>();

    /** The file given, else {@value #DEFAULT_FILE}. */
    public Path file() {
        return file != null ? file : Path.of(DEFAULT_FILE);
    }

    /** Whether {@code --config} was given (a command may do without the default file). */
    public boolean fileGiven() {
        return file != null;
    }

    /** The {@code --set} overrides in command-line order. */
    public List<String> overrides() {
        return List.copyOf(overrides);
    }

    public RawConfig raw() {
        return RawConfig.load(file(), overrides);
    }

    public FeaturesJobConfig load() {
        return FeaturesJobConfig.load(file(), overrides);
    }

    /** The job configuration with {@code feature_group.version} set, when a command's --version names one. */
    public FeaturesJobConfig load(String version) {
        return FeaturesJobConfig.from(raw(version));
    }

    /** The configuration as written, with {@code feature_group.version} set when a command's --version names one. */
    public RawConfig raw(String version) {
        List<String> all = new ArrayList<>(overrides);
        if (version != null) {
            all.add("feature_group.version=" + version);
        }
        return RawConfig.load(file(), all);
    }
}
