package io.waferflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Prometheus metric names that the Grafana dashboard ({@code docker/grafana/}) queries, listed once in
 * {@code docker/grafana/metric-names.txt}. {@code GrafanaDashboardTest} checks that the dashboard uses no other name
 * and that the job's own names follow from its counters; a test against a real cluster checks that each one appears in
 * a scrape of Flink's Prometheus reporter.
 */
public final class DashboardMetricNames {

    public static final Path FILE = Path.of("docker", "grafana", "metric-names.txt");
    /** The monitor job's names ({@code monitor-metric-names.txt}): not in a scrape of the features job. */
    public static final Path MONITOR_FILE = Path.of("docker", "grafana", "monitor-metric-names.txt");

    private DashboardMetricNames() {}

    /** The names in file order; {@code #} starts a comment. */
    public static List<String> load() {
        return load(FILE);
    }

    /** The monitor job's names in file order. */
    public static List<String> monitor() {
        return load(MONITOR_FILE);
    }

    private static List<String> load(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
