package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.FeatureRegistry;
import io.waferflow.stores.online.ServingVersions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code version show|switch V|rollback}: which version of the feature group readers serve (Redis pointer). */
@CommandLine.Command(
        name = "version",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "show, switch or roll back the feature-group version readers serve (the Redis 'current' pointer)",
            "",
            "Readers serve the version named by the hash <key_prefix>:serving:<group> (field 'current'). The first"
                    + " features job of a group to start claims 'current' for its version; later versions run side by"
                    + " side until switched to. Redis and the group come from the configuration."
        })
public final class VersionCommand implements Command {

    private final PrintStream out;

    public VersionCommand() {
        this(System.out);
    }

    public VersionCommand(PrintStream out) {
        this.out = out;
    }

    /** Which group's pointer, in which Redis: the options every subcommand takes. */
    static final class Target {

        @Option(
                names = "--group",
                paramLabel = "NAME",
                description = "feature group (default: feature_group.name of the configuration)")
        String group;

        @Mixin
        ConfigOptions configOptions;
    }

    @CommandLine.Command(name = "show", description = "the current and previous versions and when they were switched")
    int show(@Mixin Target target) {
        FeaturesJobConfig config = target.configOptions.load();
        String group = group(target, config);
        try (ServingVersions versions =
                ServingVersions.open(config.redisConnection(), config.redisKeyPrefix(), group)) {
            print(versions.state(group), group);
            return 0;
        }
    }

    @CommandLine.Command(
            name = "switch",
            description = "make VERSION current (refused unless it has features" + " online; --force skips the check)")
    int switchTo(
            @Parameters(paramLabel = "VERSION", description = "the version to serve, e.g. v2") String version,
            @Option(names = "--force", description = "switch even if VERSION has no features online") boolean force,
            @Mixin Target target) {
        FeaturesJobConfig config = target.configOptions.load();
        String group = group(target, config);
        unregisteredNote(config, group, version);
        try (ServingVersions versions =
                ServingVersions.open(config.redisConnection(), config.redisKeyPrefix(), group)) {
            return serve(versions, group, version, force);
        }
    }

    /**
     * A note, not a refusal: the rows decide whether a version can be served, and a registry that lags behind (or a
     * group registered elsewhere) must not block a rollback in an incident.
     */
    private void unregisteredNote(FeaturesJobConfig config, String group, String version) {
        try {
            FeatureRegistry.load(config.registryDirectory()).version(group, version);
        } catch (ConfigException e) {
            out.println("note: " + e.getMessage());
        }
    }

    @CommandLine.Command(name = "rollback", description = "make the previous version current again")
    int rollback(@Mixin Target target) {
        FeaturesJobConfig config = target.configOptions.load();
        String group = group(target, config);
        try (ServingVersions versions =
                ServingVersions.open(config.redisConnection(), config.redisKeyPrefix(), group)) {
            Optional<String> previous =
                    Optional.ofNullable(versions.state(group).get(ServingVersions.PREVIOUS));
            if (previous.isEmpty()) {
                throw new ConfigException(
                        ServingVersions.key(config.redisKeyPrefix(), group),
                        "has no previous version",
                        "nothing to roll back to; see 'waferflow version show'");
            }
            return serve(versions, group, previous.get(), true);
        }
    }

    private static String group(Target target, FeaturesJobConfig config) {
        return target.group != null ? target.group : config.featureGroup();
    }

    private int serve(ServingVersions versions, String group, String version, boolean force) {
        if (!force && !versions.hasData(group, version)) {
            throw new ConfigException(
                    version,
                    "has no features of group " + group + " online",
                    "start its features job (or backfill and bootstrap it) first, or pass --force");
        }
        Optional<String> old = versions.switchTo(group, version);
        out.println(group + ": serving " + version
                + (old.map(v -> " (was " + v + ")").orElse("")));
        return 0;
    }

    private void print(Map<String, String> state, String group) {
        if (state.isEmpty()) {
            out.println(group + ": no version claimed yet (the first features job to start claims one)");
            return;
        }
        String at = state.get(ServingVersions.SWITCHED_AT);
        out.println(group + ": current " + state.get(ServingVersions.CURRENT)
                + ", previous " + state.getOrDefault(ServingVersions.PREVIOUS, "-")
                + (at == null ? "" : ", since " + Instant.ofEpochMilli(Long.parseLong(at))));
    }
}
