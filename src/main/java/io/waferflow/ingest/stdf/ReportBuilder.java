package io.waferflow.ingest.stdf;

import io.waferflow.model.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Counts what one pass over a file saw, for its {@link StdfFileReport}. */
final class ReportBuilder {

    /** Affected fields listed per rule: enough to act on, bounded for files with thousands of tests. */
    private static final int MAX_FIELDS = 20;

    private final String file;
    private final long startNanos;
    private final Map<String, Long> records = new LinkedHashMap<>();
    private final Map<String, Long> partsBySite = new LinkedHashMap<>();
    private final Set<String> wafers = new LinkedHashSet<>();
    private final Map<String, Rule> issues = new LinkedHashMap<>();
    private long parts;
    private long published;
    private long quarantined;
    private long passed;
    private long stdfBytes;

    private static final class Rule {
        Severity severity;
        long count;
        long firstOffset;
        final Set<String> fields = new LinkedHashSet<>();
    }

    ReportBuilder(String file, long startNanos) {
        this.file = file;
        this.startNanos = startNanos;
    }

    void record(String typeName, long endOffset) {
        records.merge(typeName, 1L, Long::sum);
        stdfBytes = endOffset;
    }

    void wafer(String waferId) {
        wafers.add(waferId);
    }

    /** A part with its PIR and PRR. */
    void part(int head, int site, Boolean passedFlag) {
        parts++;
        partsBySite.merge("h" + head + "s" + site, 1L, Long::sum);
        if (Boolean.TRUE.equals(passedFlag)) {
            passed++;
        }
    }

    void published() {
        published++;
    }

    void quarantined() {
        quarantined++;
    }

    void issue(StdfIssue i) {
        Rule r = issues.computeIfAbsent(i.rule(), k -> new Rule());
        if (r.count == 0) {
            r.firstOffset = i.offset();
            r.severity = i.severity();
        }
        r.count++;
        if (!i.field().isEmpty() && r.fields.size() < MAX_FIELDS) {
            r.fields.add(i.field());
        }
    }

    StdfFileReport build(long fileBytes, boolean blockingApplied, Severity blockOn, StdfIssue blockedBy) {
        Map<String, StdfFileReport.RuleSummary> summaries = new LinkedHashMap<>();
        Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
        List<String> recommendations = new ArrayList<>();
        issues.forEach((rule, r) -> {
            summaries.put(
                    rule, new StdfFileReport.RuleSummary(r.severity, r.count, r.firstOffset, List.copyOf(r.fields)));
            bySeverity.merge(r.severity, r.count, Long::sum);
            recommendations.add(rule + ": " + StdfRules.recommendation(rule));
        });
        return new StdfFileReport(
                file,
                fileBytes,
                stdfBytes,
                new LinkedHashMap<>(records),
                parts,
                published,
                quarantined,
                new LinkedHashMap<>(partsBySite),
                passed,
                List.copyOf(wafers),
                summaries,
                bySeverity,
                blockingApplied,
                blockOn,
                blockedBy != null,
                blockedBy == null ? null : blockedBy.rule(),
                recommendations,
                (System.nanoTime() - startNanos) / 1_000_000);
    }
}
