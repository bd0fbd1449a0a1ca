package io.waferflow.ingest;

import io.waferflow.ingest.stdf.StdfRules;
import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a routing operator counts of each parsed message: {@code records_in}, then exactly one of {@code records_valid}
 * and {@code records_quarantined}; its violations by severity ({@code violations_<severity>}) and by rule
 * ({@code violation_rule_<rule>}: the parser rules, and the STDF file rules for device tests). Counters of the operator
 * that owns {@code counters}.
 */
final class RouteCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final PipelineCounter in;
    private final PipelineCounter valid;
    private final PipelineCounter quarantined;
    private final Map<Severity, PipelineCounter> bySeverity = new EnumMap<>(Severity.class);
    private final Map<String, PipelineCounter> byRule = new HashMap<>();

    /** The device tests' counts: their rules are the parser's and, for records read from STDF files, the file rules. */
    RouteCounts(PipelineCounters counters) {
        this(
                counters,
                "",
                Stream.concat(Violation.PARSER_RULES.stream(), StdfRules.all().stream())
                        .toList());
    }

    /**
     * Counters named {@code prefix} + the names above: a job that reads two kinds of message (the monitor's predictions
     * and actuals) keeps their counts apart, and apart from the device tests' when both jobs run in one (the demo).
     */
    RouteCounts(PipelineCounters counters, String prefix) {
        this(counters, prefix, Violation.PARSER_RULES);
    }

    private RouteCounts(PipelineCounters counters, String prefix, List<String> rules) {
        in = counters.add(prefix + PipelineCounter.RECORDS_IN);
        valid = counters.add(prefix + PipelineCounter.RECORDS_VALID);
        quarantined = counters.add(prefix + PipelineCounter.RECORDS_QUARANTINED);
        for (Severity s : Severity.values()) {
            bySeverity.put(s, counters.add(prefix + PipelineCounter.violationsOfSeverity(s.name())));
        }
        for (String rule : rules) {
            byRule.put(rule, counters.add(prefix + PipelineCounter.violationsOfRule(rule)));
        }
    }

    /** Counts one message: its violations, and whether it was quarantined. */
    void count(Violation[] violations, boolean quarantine) {
        in.inc();
        for (Violation v : violations) {
            bySeverity.get(v.severity).inc();
            byRule.get(v.rule).inc();
        }
        (quarantine ? quarantined : valid).inc();
    }
}
