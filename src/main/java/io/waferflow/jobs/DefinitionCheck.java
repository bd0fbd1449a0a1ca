package io.waferflow.jobs;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.DefinitionFingerprint;
import io.waferflow.config.registry.FeatureDefinitions;
import io.waferflow.config.registry.FeatureRegistry;
import io.waferflow.stores.offline.DefinitionFile;
import io.waferflow.stores.online.DefinitionHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The start-up check of a job or tool that writes or reads a feature group version: the group and version are
 * registered and the registry describes the columns the configuration makes ({@link FeatureDefinitions}), and the
 * version's rows in the stores were written with this definition ({@link DefinitionFingerprint}). A writer stores the
 * fingerprint where none is stored yet; a changed definition under a version that has rows is refused, with both
 * fingerprints, what changed and the fix (a new version).
 */
public final class DefinitionCheck {

    private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)");

    /** Which stores a command uses, and whether it writes them (stores the fingerprint) or only reads them. */
    public enum Use {
        WRITE,
        READ,
        NONE
    }

    private DefinitionCheck() {}

    /**
     * Checks the configuration against the registry and the stores.
     *
     * @return what to print: the fingerprint and where it was found or stored, and how the configuration differs from
     *     the version's registered definition (a note, not an error)
     * @throws ConfigException if the registry does not describe the configuration, or a store holds the version's rows
     *     under another definition
     */
    public static List<String> verify(FeaturesJobConfig c, Use online, Use offline) {
        FeatureRegistry registry = FeatureRegistry.load(c.registryDirectory());
        DefinitionFingerprint mine = DefinitionFingerprint.of(c, registry);
        List<String> report = new ArrayList<>();
        List<String> found = new ArrayList<>();
        if (online != Use.NONE) {
            String key = DefinitionHash.key(c.redisKeyPrefix(), c.featureGroup(), c.featureVersion());
            Optional<DefinitionFingerprint> stored = online == Use.WRITE
                    ? Optional.of(DefinitionHash.claim(
                            c.redisConnection(), c.redisKeyPrefix(), c.featureGroup(), c.featureVersion(), mine))
                    : DefinitionHash.read(
                            c.redisConnection(), c.redisKeyPrefix(), c.featureGroup(), c.featureVersion());
            stored.ifPresent(s -> compare(c, mine, s, "Redis " + key));
            found.add("Redis " + (stored.isPresent() ? "matches" : "has none yet"));
        }
        if (offline != Use.NONE) {
            try {
                Optional<DefinitionFingerprint> stored =
                        offline == Use.WRITE ? Optional.of(DefinitionFile.claim(c, mine)) : DefinitionFile.read(c);
                stored.ifPresent(s -> compare(c, mine, s, DefinitionFile.path(c).toString()));
                found.add("offline store " + (stored.isPresent() ? "matches" : "has none yet"));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + DefinitionFile.path(c), e);
            }
        }
        report.add(c.featureGroup() + " " + c.featureVersion() + ": definition " + mine.shortFingerprint()
                + (found.isEmpty() ? "" : " (" + String.join(", ", found) + ")"));
        for (String change : FeatureDefinitions.unregisteredChanges(c, registry)) {
            report.add("note: differs from the registered " + c.featureVersion() + ": " + change);
        }
        return report;
    }

    private static void compare(
            FeaturesJobConfig c, DefinitionFingerprint mine, DefinitionFingerprint stored, String where) {
        if (stored.fingerprint().equals(mine.fingerprint())) {
            return;
        }
        List<String> changes = mine.differencesFrom(stored);
        String shown = changes.size() <= 6
                ? String.join("; ", changes)
                : String.join("; ", changes.subList(0, 6)) + "; and " + (changes.size() - 6) + " more";
        String next = next(c.featureVersion());
        throw new ConfigException(
                "feature_group.version",
                "the definition of " + c.featureGroup() + " " + c.featureVersion() + " changed without a new version:"
                        + " its rows in " + where + " were written with " + stored.fingerprint()
                        + ", this configuration defines " + mine.fingerprint()
                        + (changes.isEmpty() ? "" : " (" + shown + ")"),
                "a changed definition needs a new version: set feature_group.version to " + next + " and register "
                        + next + " under versions: in " + c.registryDirectory().resolve(c.featureGroup() + ".yaml")
                        + " (its date, what changed and its definition); or undo the change");
    }

    /** The version after {@code version}: v1 → v2; a name without a number gets {@code _2}. */
    static String next(String version) {
        Matcher m = NUMBERED.matcher(version);
        if (m.matches()) {
            return m.group(1) + (Long.parseLong(m.group(2)) + 1);
        }
        return version + "_2";
    }
}
