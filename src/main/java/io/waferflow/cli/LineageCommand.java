package io.waferflow.cli;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.registry.FeatureDefinitions;
import io.waferflow.config.registry.FeatureRegistry;
import io.waferflow.config.registry.RegisteredGroup;
import io.waferflow.lineage.Lineage;
import io.waferflow.lineage.LineageReport;
import io.waferflow.stores.offline.DefinitionFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lineage}: what the OpenLineage run events of the jobs say, as an audit report. */
@CommandLine.Command(
        name = "lineage",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "audit the lineage of the feature group from the jobs' OpenLineage run events",
            "",
            "Every run of features, backfill, training-set and the savepoint tools writes OpenLineage events (the"
                    + " lineage section of the configuration; docs/lineage.md)."
        })
public final class LineageCommand implements Command {

    private final PrintStream out;

    public LineageCommand() {
        this(System.out);
    }

    public LineageCommand(PrintStream out) {
        this.out = out;
    }

    @CommandLine.Command(
            name = "report",
            description = {
                "write report.json and report.html: raw fields -> features -> training sets -> models",
                "",
                "Reads the events (default: the configured lineage file) and the feature registry and reports, for the"
                        + " configured feature group and version, the group's registered version history (date,"
                        + " changes, definition, stored definition fingerprint, runs), each feature's definition,"
                        + " input fields and transformation, what changed for it in each registered version, the"
                        + " feature versions, job versions and configuration fingerprints of the runs that wrote it,"
                        + " the training sets made from the group (labels, feature tables and versions, when) and the"
                        + " models they are for. Runs whose version is not registered, or whose feature columns are"
                        + " not their registered version's, are listed as mismatches. Exits with 1 when a feature has"
                        + " no lineage (the report is written all the same)."
            })
    int report(
            @Option(names = "--out", paramLabel = "DIR", required = true, description = "where to write the report")
                    Path dir,
            @Option(names = "--model", paramLabel = "NAME", description = "only the training sets made for this model")
                    String model,
            @Option(
                            names = "--version",
                            paramLabel = "V",
                            description = "the feature version to report on (default: feature_group.version)")
                    String version,
            @Option(
                            names = "--events",
                            paramLabel = "FILE",
                            description = "a JSON-lines events file (repeatable; default: the configured lineage file)")
                    List<Path> files,
            @Mixin ConfigOptions configOptions)
            throws Exception {
        FeaturesJobConfig config = configOptions.load(version);
        List<Path> sources = files == null || files.isEmpty() ? List.of(Lineage.eventsFile(config)) : files;
        List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
        for (Path f : sources) {
            if (Files.exists(f)) {
                events.addAll(LineageReport.readEvents(f, problem -> out.println("lineage: skipped " + problem)));
            } else {
                out.println("lineage: no events file " + f);
            }
        }
        FeatureRegistry registry = FeatureRegistry.load(config.registryDirectory());
        RegisteredGroup group = registry.group(config.featureGroup());
        // The fingerprint each version's rows were written with, where the offline store has them.
        Map<String, String> stored = new LinkedHashMap<>();
        for (String v : group.versionNames()) {
            try {
                DefinitionFile.read(configOptions.load(v)).ifPresent(f -> stored.put(v, f.fingerprint()));
            } catch (IOException e) {
                // The history is still worth having without it (a store out of reach is not the report's concern).
                out.println("lineage: cannot read the stored definition of " + v + ": " + e.getMessage());
            }
        }
        LineageReport report = LineageReport.build(
                events, group, config.featureVersion(), FeatureDefinitions.of(config, registry), stored, model);
        report.write(dir);
        out.println(report.coverageLine() + (report.complete() ? "" : "; no lineage for " + report.missing()));
        report.mismatches().forEach(m -> out.println("lineage: " + m));
        out.println("report written to " + dir.resolve("report.html") + " and " + dir.resolve("report.json"));
        return report.complete() ? 0 : 1;
    }
}
