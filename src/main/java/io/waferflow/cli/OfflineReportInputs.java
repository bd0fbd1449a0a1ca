package io.waferflow.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertGuidance;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.InputSchema;
import io.waferflow.drift.DriftMetric;
import io.waferflow.model.AlertJson;
import io.waferflow.model.FeatureColumns;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.RecordJson;
import io.waferflow.model.Violation;
import io.waferflow.report.ReportData;
import io.waferflow.report.ReportData.WaferWindow;
import io.waferflow.report.WaferMap;
import io.waferflow.stores.offline.OfflineSinks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Reads what {@code report} shows from the offline store: the feature rows, drift metrics, violations and quality
 * events of one group and version, wafer maps and distributions from the raw archive, and alert notifications from an
 * exported file (the offline store has none). Every Parquet row comes through {@link OfflineTableRows} or
 * {@link OfflineFeatureRows}; a table that is not there becomes a note in the report, not an error.
 */
final class OfflineReportInputs {

    /** Values kept per side of a distribution: a uniform sample beyond it (plenty for a 30-bin histogram). */
    static final int MAX_VALUES = 200_000;

    private static final JsonMapper ROWS = RecordJson.mapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .build();

    /** What to read. {@code wafers} empty: the lowest-yield and the latest wafer. */
    record Request(
            FeaturesJobConfig config,
            Path root,
            Instant from,
            Instant to,
            List<String> wafers,
            String colorBy,
            Path alerts,
            String runbookBase) {}

    private final Request q;
    private final String group;
    private final String version;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> whyChosen = new HashMap<>();

    OfflineReportInputs(Request q) {
        this.q = q;
        this.group = q.config().featureGroup();
        this.version = q.config().featureVersion();
    }

    ReportData read() throws IOException {
        List<WaferWindow> windows = waferWindows();
        // The report charts each parameter overall; rows of drift groups (drift.group_by) are not its subject.
        List<DriftMetric> drift =
                rows(OfflineSinks.DRIFT, "drift metrics", DriftMetric.class, m -> m.windowEnd - 1).stream()
                        .filter(m -> m.driftGroup == null)
                        .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        List<Violation> violations = rows(
                OfflineSinks.QUARANTINE,
                "violations",
                Violation.class,
                v -> v.eventTime != null ? v.eventTime : v.observedAt);
        List<QualityEvent> events =
                rows(OfflineSinks.QUALITY_EVENTS, "quality events", QualityEvent.class, e -> e.windowEnd - 1);
        Map<String, ReportData.Distributions> distributions = new LinkedHashMap<>();
        List<WaferMap> maps = new ArrayList<>();
        rawArchive(chosenWafers(windows), latestPerParameter(drift), maps, distributions);
        Map<String, ReportData.Advice> advice = new LinkedHashMap<>();
        for (String type : AlertGuidance.types()) {
            AlertGuidance.Guidance g = AlertGuidance.of(type);
            advice.put(
                    type,
                    new ReportData.Advice(List.of(g.likelyCauses()), List.of(g.recommendedActions()), g.runbook()));
        }
        return new ReportData(
                group,
                version,
                q.root().toString(),
                q.from(),
                q.to(),
                Instant.now(),
                q.config().schema().parameterNames(),
                q.config().drift().psiModerate(),
                q.config().drift().psiDrift(),
                drift,
                distributions,
                violations,
                events,
                windows,
                maps,
                advice,
                adviceOfRules(violations),
                alerts(),
                q.runbookBase(),
                notes);
    }

    private boolean inRange(long t) {
        return (q.from() == null || t >= q.from().toEpochMilli()) && (q.to() == null || t < q.to().toEpochMilli());
    }

    /** The feature rows in range, the newest revision of each wafer window. */
    private List<WaferWindow> waferWindows() throws IOException {
        Path dir = q.root().resolve(OfflineSinks.featuresPath(group, version));
        if (!Files.isDirectory(dir)) {
            notes.add("no feature rows under " + dir + ": no wafer tables, and no default wafers for the maps");
            return List.of();
        }
        Map<String, OfflineFeatureRows.Row> newest = new HashMap<>();
        List<String> columns =
                List.of(FeatureColumns.DEVICE_COUNT, FeatureColumns.YIELD_PCT, FeatureColumns.NEIGHBOR_YIELD_AVG);
        OfflineFeatureRows.read("--offline-root", dir, columns, row -> {
            if (inRange(row.windowEnd() - 1)) {
                newest.merge(
                        row.waferId() + "@" + row.windowStart(), row, (a, b) -> a.revision() >= b.revision() ? a : b);
            }
        });
        return newest.values().stream()
                .map(r -> new WaferWindow(
                        r.waferId(),
                        r.windowStart(),
                        r.windowEnd(),
                        Math.round(r.features().getOrDefault(FeatureColumns.DEVICE_COUNT, 0.0)),
                        r.features().getOrDefault(FeatureColumns.YIELD_PCT, Double.NaN),
                        r.features().getOrDefault(FeatureColumns.NEIGHBOR_YIELD_AVG, Double.NaN)))
                .sorted(Comparator.comparingLong(WaferWindow::windowEnd).thenComparing(WaferWindow::waferId))
                .toList();
    }

    /** The rows of a versioned table ({@code <table>/<group>/version=<v>/}) in range, as the job's record type. */
    private <T> List<T> rows(String table, String what, Class<T> type, java.util.function.ToLongFunction<T> time)
            throws IOException {
        Path dir = q.root().resolve(table + "/" + group + "/version=" + version);
        if (!Files.isDirectory(dir)) {
            notes.add("no " + what + " under " + dir);
            return List.of();
        }
        List<T> out = new ArrayList<>();
        OfflineTableRows.read("--offline-root", dir, "a " + what + " file", row -> {
            row.remove("raw_payload"); // whole quarantined records: for replay, not for a report
            T record = ROWS.convertValue(row, type);
            if (inRange(time.applyAsLong(record))) {
                out.add(record);
            }
        });
        return out;
    }

    private List<String> chosenWafers(List<WaferWindow> windows) {
        if (q.wafers() != null && !q.wafers().isEmpty()) {
            return q.wafers();
        }
        Map<String, Double> yield = ReportData.yieldByWafer(windows);
        // A wafer tested only in part (the stream ended, or began, mid-wafer) has a few edge dies and a noisy yield:
        // the lowest yield is looked for among wafers with at least half the dies of the largest.
        Map<String, Long> devices = new HashMap<>();
        windows.forEach(w -> devices.merge(w.waferId(), w.deviceCount(), Long::sum));
        long largest =
                devices.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> chosen = new ArrayList<>();
        yield.entrySet().stream()
                .filter(w -> 2 * devices.get(w.getKey()) >= largest)
                .min(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .ifPresent(w -> {
                    chosen.add(w.getKey());
                    whyChosen.put(w.getKey(), "lowest yield");
                });
        windows.stream()
                .max(Comparator.comparingLong(WaferWindow::windowEnd).thenComparing(WaferWindow::waferId))
                .map(WaferWindow::waferId)
                .ifPresent(w -> {
                    if (!chosen.contains(w)) {
                        chosen.add(w);
                    }
                    whyChosen.merge(w, "latest", (a, b) -> a + " and latest");
                });
        return chosen;
    }

    private static Map<String, DriftMetric> latestPerParameter(List<DriftMetric> drift) {
        Map<String, DriftMetric> latest = new LinkedHashMap<>();
        for (DriftMetric m : drift) {
            latest.merge(m.feature, m, (a, b) -> a.windowEnd >= b.windowEnd ? a : b);
        }
        return latest;
    }

    /**
     * One pass over the raw archive: the chosen wafers' dies (each die's latest test, in range) and, per parameter, its
     * values in the latest drift window and in the baseline period ({@code stream:<from>..<to>}; a file baseline is not
     * in the archive).
     */
    private void rawArchive(
            List<String> wafers,
            Map<String, DriftMetric> latest,
            List<WaferMap> maps,
            Map<String, ReportData.Distributions> distributions)
            throws IOException {
        Path dir = q.root().resolve(OfflineSinks.RAW_ARCHIVE);
        if (!Files.isDirectory(dir)) {
            notes.add("no raw archive under " + dir + " (offline.raw_archive false?): no wafer maps, no distributions");
            wafers.forEach(w -> maps.add(new WaferMap(w, null, why(w), q.colorBy(), List.of())));
            return;
        }
        Map<String, Map<Long, Object[]>> dies = new LinkedHashMap<>(); // wafer -> cell -> {event time, die, lot}
        wafers.forEach(w -> dies.put(w, new HashMap<>()));
        Map<String, Sample[]> samples = new LinkedHashMap<>();
        Map<String, long[]> baselineRange = new HashMap<>();
        for (DriftMetric m : latest.values()) {
            samples.put(m.feature, new Sample[] {new Sample(), new Sample()});
            long[] range = streamBaseline(m.baselineId);
            if (range != null) {
                baselineRange.put(m.feature, range);
            }
        }
        OfflineTableRows.read("--offline-root", dir, "a raw archive file", row -> {
            long t = (Long) row.get(InputSchema.EVENT_TIME);
            Map<Long, Object[]> wafer = dies.get((String) row.get(InputSchema.WAFER_ID));
            if (wafer != null && inRange(t)) {
                int x = (Integer) row.get(InputSchema.DIE_X);
                int y = (Integer) row.get(InputSchema.DIE_Y);
                Object[] before = wafer.get(cell(x, y));
                if (before == null || (Long) before[0] <= t) {
                    wafer.put(cell(x, y), new Object[] {t, die(row, x, y), row.get(InputSchema.LOT_ID)});
                }
            }
            for (Map.Entry<String, Sample[]> s : samples.entrySet()) {
                Object v = row.get(s.getKey());
                if (!(v instanceof Double value) || !Double.isFinite(value)) {
                    continue;
                }
                DriftMetric m = latest.get(s.getKey());
                if (t >= m.windowStart && t < m.windowEnd) {
                    s.getValue()[1].add(value);
                }
                long[] b = baselineRange.get(s.getKey());
                if (b != null && t >= b[0] && t < b[1]) {
                    s.getValue()[0].add(value);
                }
            }
        });
        for (Map.Entry<String, Map<Long, Object[]>> w : dies.entrySet()) {
            List<WaferMap.Die> list =
                    w.getValue().values().stream().map(d -> (WaferMap.Die) d[1]).toList();
            String lot = w.getValue().values().stream()
                    .map(d -> (String) d[2])
                    .findFirst()
                    .orElse(null);
            maps.add(new WaferMap(w.getKey(), lot, why(w.getKey()), q.colorBy(), list));
        }
        for (Map.Entry<String, Sample[]> s : samples.entrySet()) {
            DriftMetric m = latest.get(s.getKey());
            distributions.put(
                    s.getKey(),
                    new ReportData.Distributions(
                            s.getKey(),
                            m.windowStart,
                            m.windowEnd,
                            m.baselineId,
                            s.getValue()[0].values(),
                            s.getValue()[1].values()));
        }
    }

    private String why(String wafer) {
        return q.wafers() != null && !q.wafers().isEmpty() ? "asked for" : whyChosen.getOrDefault(wafer, "");
    }

    private WaferMap.Die die(Map<String, Object> row, int x, int y) {
        Object v = row.get(q.colorBy());
        return new WaferMap.Die(
                x,
                y,
                Integer.valueOf(1).equals(row.get(InputSchema.PASS_FAIL)),
                (Integer) row.get(InputSchema.HARD_BIN),
                (Integer) row.get(InputSchema.SOFT_BIN),
                v instanceof Double d ? d : Double.NaN);
    }

    private static long cell(int x, int y) {
        return ((long) x << 32) ^ (y & 0xffffffffL);
    }

    /** The period of a baseline formed from the stream ({@code stream:<from>..<to>}), else null. */
    static long[] streamBaseline(String baselineId) {
        if (baselineId == null || !baselineId.startsWith("stream:") || !baselineId.contains("..")) {
            return null;
        }
        String[] parts = baselineId.substring("stream:".length()).split("\\.\\.", 2);
        try {
            return new long[] {
                Instant.parse(parts[0]).toEpochMilli(), Instant.parse(parts[1]).toEpochMilli()
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Which alert guidance applies to each violation rule: value rules to range violations, the rest to quarantine. */
    private static Map<String, String> adviceOfRules(List<Violation> violations) {
        Set<String> valueRules = Set.of(Violation.RULE_RANGE, Violation.RULE_CATEGORICAL, Violation.RULE_PATTERN);
        Map<String, String> of = new HashMap<>();
        for (Violation v : violations) {
            of.put(
                    v.rule,
                    valueRules.contains(v.rule) ? QualityEvent.RANGE_VIOLATIONS : QualityEvent.WAFER_QUARANTINED);
        }
        return of;
    }

    /** The notifications of the --alerts file (lines of 'alerts tail --format json') in range; null for none. */
    private List<Alert> alerts() throws IOException {
        if (q.alerts() == null) {
            return null;
        }
        if (!Files.isRegularFile(q.alerts())) {
            throw new FeatureColumnsReader.BadInput("--alerts: no such file: " + q.alerts());
        }
        List<Alert> alerts = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(q.alerts(), StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            Alert a;
            try {
                a = AlertJson.fromJson(line.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new FeatureColumnsReader.BadInput("--alerts: line " + n + " of " + q.alerts() + ": "
                        + e.getMessage() + " (write the file with 'bin/waferflow alerts tail --format json')");
            }
            boolean overlaps = (q.to() == null || a.firstSeen < q.to().toEpochMilli())
                    && (q.from() == null || a.lastSeen >= q.from().toEpochMilli());
            if (overlaps) {
                alerts.add(a);
            }
        }
        return alerts;
    }

    /** A uniform sample of at most {@link #MAX_VALUES} values (reservoir sampling, fixed seed: reports repeat). */
    private static final class Sample {
        private double[] values = new double[1024];
        private int size;
        private long seen;
        private final Random random = new Random(17);

        void add(double v) {
            seen++;
            if (size < MAX_VALUES) {
                if (size == values.length) {
                    values = java.util.Arrays.copyOf(values, Math.min(MAX_VALUES, size * 2));
                }
                values[size++] = v;
            } else {
                long i = (long) (random.nextDouble() * seen);
                if (i < MAX_VALUES) {
                    values[(int) i] = v;
                }
            }
        }

        double[] values() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
