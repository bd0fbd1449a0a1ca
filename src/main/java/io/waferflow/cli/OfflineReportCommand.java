package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.report.ReportData;
import io.waferflow.report.ReportPage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code report}: the offline store of a group and version as one self-contained HTML page for people. */
@CommandLine.Command(
        name = "report",
        description = {
            "write one self-contained HTML report: drift, data quality, wafer maps and alerts (docs/reports.md)",
            "",
            "Reads the committed offline store under --offline-root (default offline.root) for the group and version"
                    + " (default feature_group.name and .version): per parametric test PSI and KS D over time on the"
                    + " verdict bands, with the latest drift window's baseline and current distributions from the raw"
                    + " archive; violations by rule, severity and field over time, quality events, the wafers with the"
                    + " most findings and what to do about each issue type; a wafer map of each chosen wafer (default:"
                    + " the lowest yield and the latest) with yield and neighbour yield; and the alert history of"
                    + " --alerts. The page needs no network: inline SVG and CSS, no script."
        })
public final class OfflineReportCommand implements Command, Callable<Integer> {

    @Option(names = "--offline-root", paramLabel = "DIR", description = "the offline store (default: offline.root)")
    private Path root;

    @Option(names = "--from", paramLabel = "INSTANT", description = "only data from this instant (event time)")
    private Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "only data before this instant (event time)")
    private Instant to;

    @Option(names = "--group", paramLabel = "G", description = "feature group (default: feature_group.name)")
    private String group;

    @Option(names = "--version", paramLabel = "V", description = "feature version (default: feature_group.version)")
    private String version;

    @Option(
            names = "--wafers",
            paramLabel = "ID",
            split = ",",
            description = "wafers to draw maps of (default: the lowest yield and the latest)")
    private List<String> wafers;

    @Option(
            names = "--color-by",
            paramLabel = "WHAT",
            defaultValue = "pass_fail",
            description = "wafer map cell colour: pass_fail (default), hard_bin, soft_bin or a parametric test")
    private String colorBy;

    @Option(
            names = "--alerts",
            paramLabel = "FILE",
            description = "alert notifications, one JSON object a line ('bin/waferflow alerts tail --format json');"
                    + " alerts are not in the offline store")
    private Path alerts;

    @Option(
            names = "--runbook-base",
            paramLabel = "URL",
            description = "what runbook paths (docs/runbooks/...) are linked against, e.g. a repository URL"
                    + " (default: this directory when it holds docs/runbooks)")
    private String runbookBase;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the HTML file to write")
    private Path out;

    @Mixin
    private ConfigOptions configOptions;

    private final PrintStream console;

    public OfflineReportCommand() {
        this(System.out);
    }

    public OfflineReportCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        List<String> overrides = new ArrayList<>(configOptions.overrides());
        if (group != null) {
            overrides.add("feature_group.name=" + group);
        }
        if (version != null) {
            overrides.add("feature_group.version=" + version);
        }
        FeaturesJobConfig config = FeaturesJobConfig.load(configOptions.file(), overrides);
        List<String> parameters = config.schema().parameterNames();
        if (!List.of("pass_fail", "hard_bin", "soft_bin").contains(colorBy) && !parameters.contains(colorBy)) {
            throw new ConfigException(
                    "--color-by", "unknown: " + colorBy, "pass_fail, hard_bin, soft_bin or one of " + parameters);
        }
        Path offlineRoot = root != null ? root : Path.of(config.offlineRoot());
        if (!Files.isDirectory(offlineRoot)) {
            throw new ConfigException(
                    "--offline-root", "no such directory: " + offlineRoot, "pass the offline.root the job wrote to");
        }
        String links = runbookBase != null
                ? runbookBase
                : Files.isDirectory(Path.of("docs/runbooks"))
                        ? Path.of("").toAbsolutePath().toUri().toString()
                        : null;
        ReportData data;
        try {
            data = new OfflineReportInputs(new OfflineReportInputs.Request(
                            config, offlineRoot, from, to, wafers, colorBy, alerts, links))
                    .read();
        } catch (FeatureColumnsReader.BadInput e) {
            console.println("waferflow report: " + e.getMessage());
            return 2;
        }
        String html = ReportPage.render(data);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html, StandardCharsets.UTF_8);
        console.printf(
                "report of %s %s: %d drift windows, %d violations, %d quality events, %d wafer maps, %s alerts -> %s%n",
                data.group(),
                data.version(),
                data.drift().size(),
                data.violations().size(),
                data.qualityEvents().size(),
                data.maps().size(),
                data.alerts() == null ? "no" : String.valueOf(data.alerts().size()),
                out);
        data.notes().forEach(n -> console.println("note: " + n));
        return 0;
    }
}
