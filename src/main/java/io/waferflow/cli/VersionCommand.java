package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.stores.online.RedisClients;
import io.waferflow.stores.online.ServingVersions;
import redis.clients.jedis.Jedis;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code version show|switch V|rollback}: which version of the feature group readers serve (Redis pointer). */
public final class VersionCommand implements Command {

    private final PrintStream out;

    public VersionCommand() {
        this(System.out);
    }

    public VersionCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "show, switch or roll back the feature-group version readers serve (the Redis 'current' pointer)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: waferflow version show|switch VERSION|rollback [--group NAME] [--force]",
                "                        [--config jobs/features.yaml] [--set key=value ...]",
                "",
                "Readers serve the version named by the hash <key_prefix>:serving:<group> (field 'current').",
                "  show       the current and previous versions and when they were switched",
                "  switch V   make V current (refused unless V has features online; --force skips the check)",
                "  rollback   make the previous version current again",
                "The first features job of a group to start claims 'current' for its version; later versions run",
                "side by side until switched to. Redis and the group come from the configuration.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        if (argv.length == 0 || !Set.of("show", "switch", "rollback").contains(argv[0])) {
            throw new ConfigException(argv.length == 0 ? "version" : argv[0], "is not a version subcommand",
                    "use show, switch VERSION or rollback");
        }
        String action = argv[0];
        int optionsFrom = action.equals("switch") ? 2 : 1;
        if (action.equals("switch") && (argv.length < 2 || argv[1].startsWith("--"))) {
            throw new ConfigException("switch", "needs the version to serve", "write: waferflow version switch v2");
        }
        Args args = Args.parse(Arrays.copyOfRange(argv, optionsFrom, argv.length), Set.of("config", "group"),
                Set.of("force"));
        FeaturesJobConfig config = FeaturesJobConfig.load(Path.of(args.get("config", "jobs/features.yaml")),
                args.overrides());
        String group = args.get("group", config.featureGroup());
        try (Jedis jedis = RedisClients.jedis(config.redisConnection())) {
            ServingVersions versions = new ServingVersions(jedis, config.redisKeyPrefix());
            switch (action) {
                case "switch":
                    return switchTo(versions, group, argv[1], args.flag("force"));
                case "rollback":
                    Optional<String> previous = Optional.ofNullable(versions.state(group)
                            .get(ServingVersions.PREVIOUS));
                    if (previous.isEmpty()) {
                        throw new ConfigException(ServingVersions.key(config.redisKeyPrefix(), group),
                                "has no previous version", "nothing to roll back to; see 'waferflow version show'");
                    }
                    return switchTo(versions, group, previous.get(), true);
                default:
                    show(versions.state(group), group);
                    return 0;
            }
        }
    }

    private int switchTo(ServingVersions versions, String group, String version, boolean force) {
        if (!force && !versions.hasData(group, version)) {
            throw new ConfigException(version, "has no features of group " + group + " online",
                    "start its features job (or backfill and bootstrap it) first, or pass --force");
        }
        Optional<String> old = versions.switchTo(group, version);
        out.println(group + ": serving " + version + (old.map(v -> " (was " + v + ")").orElse("")));
        return 0;
    }

    private void show(Map<String, String> state, String group) {
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
