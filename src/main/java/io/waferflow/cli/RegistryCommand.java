package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.registry.FeatureDefinition;
import io.waferflow.config.registry.FeatureRegistry;
import io.waferflow.config.registry.RegisteredGroup;
import io.waferflow.config.registry.RegisteredVersion;
import io.waferflow.config.registry.VersionDiff;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code registry list|show|diff}: the feature registry, the reviewed description of every feature group. */
@CommandLine.Command(
        name = "registry",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "list the registered feature groups, show one group's features and versions, diff two versions",
            "",
            "The registry is one YAML file per feature group (jobs/registry/<group>.yaml, or feature_group.registry):"
                    + " entity, owner, every stored feature (type, unit, inputs, transformation) and every version with"
                    + " its date, what changed and its definition (window, parametric tests, derived features). Jobs"
                    + " check their group against it at start-up (docs/registry.md)."
        })
public final class RegistryCommand implements Command {

    private final PrintStream out;

    public RegistryCommand() {
        this(System.out);
    }

    public RegistryCommand(PrintStream out) {
        this.out = out;
    }

    /** Which registry: {@code --registry DIR}, else the configuration's {@code feature_group.registry}. */
    static final class Source {

        @Option(
                names = "--registry",
                paramLabel = "DIR",
                description =
                        "registry directory (default: feature_group.registry of the configuration, jobs/registry)")
        Path directory;

        @Mixin
        ConfigOptions configOptions;

        FeatureRegistry load() {
            return FeatureRegistry.load(
                    directory != null ? directory : configOptions.load().registryDirectory());
        }
    }

    @CommandLine.Command(name = "list", description = "every registered group: entity, owner, versions, features")
    int list(@Mixin Source source) {
        FeatureRegistry registry = source.load();
        TextTable table = new TextTable("group", "entity", "owner", "versions", "latest", "features", "description");
        for (RegisteredGroup g : registry.groups()) {
            RegisteredVersion latest = g.latest();
            table.row(
                    g.name(),
                    g.entity(),
                    g.owner(),
                    String.join(", ", g.versionNames()),
                    latest.version() + " (" + latest.date() + ")",
                    g.features(latest).size(),
                    g.description());
        }
        out.println("registry " + registry.directory());
        out.print(table.isEmpty() ? "no group registered\n" : table.render());
        return 0;
    }

    @CommandLine.Command(
            name = "show",
            description = "a group's versions, and the features, window and derived features of one version (default:"
                    + " the latest)")
    int show(
            @Parameters(paramLabel = "GROUP[:VERSION]", description = "e.g. wafer_aggregates or wafer_aggregates:v1")
                    String target,
            @Mixin Source source) {
        FeatureRegistry registry = source.load();
        String[] parts = target.split(":", 2);
        RegisteredGroup g = registry.group(parts[0]);
        RegisteredVersion v = parts.length > 1 ? registry.version(g.name(), parts[1]) : g.latest();
        out.println(g.name() + ": " + g.description());
        out.println("  entity   " + g.entity());
        out.println("  owner    " + g.owner());
        out.println("  versions");
        for (RegisteredVersion each : g.versions()) {
            out.println("    " + each.version() + "  " + each.date() + "  " + each.changes());
        }
        out.println();
        out.println(g.name() + ":" + v.version());
        out.println("  window   " + settings(v.definition().window().settings()));
        out.println("  parametric tests  " + settings(v.definition().parameterUnits()));
        List<FeatureDefinition> features = g.features(v);
        TextTable table = new TextTable("feature", "type", "unit", "inputs", "transformation");
        for (FeatureDefinition f : features) {
            table.row(f.name(), f.type(), f.unit(), String.join(", ", f.inputs()), f.transformation());
        }
        out.println("  stored features (" + features.size() + ")");
        out.print(indent(table.render()));
        out.println("  derived features (computed on read, not stored)");
        if (v.definition().derived().isEmpty()) {
            out.println("    none");
        }
        v.definition().derived().forEach((name, expression) -> out.println("    " + name + " = " + expression));
        return 0;
    }

    @CommandLine.Command(
            name = "diff",
            description = "what changed from one version of a group to another: features added, removed or changed;"
                    + " window and derived settings")
    int diff(
            @Parameters(index = "0", paramLabel = "GROUP:V1") String from,
            @Parameters(index = "1", paramLabel = "GROUP:V2", description = "or just V2, of the same group") String to,
            @Mixin Source source) {
        FeatureRegistry registry = source.load();
        String[] a = from.split(":", 2);
        String[] b = to.split(":", 2);
        if (a.length < 2) {
            throw new ConfigException("GROUP:V1", "'" + from + "' names no version", "write e.g. wafer_aggregates:v1");
        }
        String groupB = b.length > 1 ? b[0] : a[0];
        if (!groupB.equals(a[0])) {
            throw new ConfigException(
                    "GROUP:V2", "is of group " + groupB + ", not " + a[0], "compare two versions of one group");
        }
        RegisteredGroup g = registry.group(a[0]);
        RegisteredVersion v1 = registry.version(g.name(), a[1]);
        RegisteredVersion v2 = registry.version(g.name(), b[b.length - 1]);
        out.println(g.name() + " " + v1.version() + " (" + v1.date() + ") -> " + v2.version() + " (" + v2.date() + "): "
                + v2.changes());
        List<String> lines = VersionDiff.between(g, v1, v2);
        if (lines.isEmpty()) {
            out.println("  no difference in features, window or derived features");
        }
        lines.forEach(line -> out.println("  " + line));
        return 0;
    }

    private static String settings(Map<String, String> settings) {
        StringBuilder s = new StringBuilder();
        settings.forEach(
                (k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(v.isEmpty() ? "" : " " + v));
        return s.toString();
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
    }
}
