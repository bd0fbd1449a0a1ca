package io.waferflow.ingest;

import io.waferflow.metrics.PipelineCounter;
import io.waferflow.metrics.PipelineCounters;
import io.waferflow.model.Severity;
import io.waferflow.model.Violation;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Parse-time violations counted by severity ({@code violations_<severity>}) and by rule ({@code violation_rule_<rule>},
 * the parser rules), as counters of the routing operator that owns {@code counters}.
 */
final class ViolationCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<Severity, PipelineCounter> bySeverity = new EnumMap<>(Severity.class);
    private final Map<String, PipelineCounter> byRule = new HashMap<>();

    ViolationCounts(PipelineCounters counters) {
        for (Severity s : Severity.values()) {
            bySeverity.put(s, counters.add(PipelineCounter.violationsOfSeverity(s.name())));
        }
        for (String rule : Violation.PARSER_RULES) {
            byRule.put(rule, counters.add(PipelineCounter.violationsOfRule(rule)));
        }
    }

    void count(Violation v) {
        bySeverity.get(v.severity).inc();
        byRule.get(v.rule).inc();
    }
}
