package io.waferflow.alerts;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.type.TypeReference;
import io.waferflow.model.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an on-call engineer should suspect and do, per alert type, and the runbook that explains it in depth: the texts
 * are data ({@code src/main/resources/alerts/guidance.json}; keep them in step with {@code docs/runbooks/*.md}).
 * {@link #apply} fills an alert's {@code likelyCauses}, {@code recommendedActions} and {@code runbook} from its
 * {@code type}; a type without guidance gets generic text and the pipeline-health runbook.
 */
public final class AlertGuidance {

    public static final String DRIFT_RUNBOOK = "docs/runbooks/drift.md";
    public static final String DATA_QUALITY_RUNBOOK = "docs/runbooks/data-quality.md";
    public static final String WAFER_REJECTED_RUNBOOK = "docs/runbooks/wafer-rejected.md";
    public static final String PIPELINE_HEALTH_RUNBOOK = "docs/runbooks/pipeline-health.md";

    /** Causes, actions and runbook of one alert type. */
    public record Guidance(String[] likelyCauses, String[] recommendedActions, String runbook) {}

    /** Where the texts are: one entry per alert type, and {@code other} for any type not listed. */
    static final String RESOURCE = "/alerts/guidance.json";

    private static final Map<String, Guidance> BY_TYPE = read();
    private static final Guidance UNKNOWN = BY_TYPE.remove("other");

    private AlertGuidance() {}

    private static Map<String, Guidance> read() {
        try (InputStream in = AlertGuidance.class.getResourceAsStream(RESOURCE)) {
            return RecordJson.mapper()
                    .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.PUBLIC_ONLY)
                    .build()
                    .readValue(in, new TypeReference<LinkedHashMap<String, Guidance>>() {});
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the alert guidance " + RESOURCE + " is not readable", e);
        }
    }

    /** The alert types with specific guidance. */
    public static Set<String> types() {
        return BY_TYPE.keySet();
    }

    /** The guidance of a type; generic text and the pipeline-health runbook for an unknown (or null) type. */
    public static Guidance of(String type) {
        return type == null ? UNKNOWN : BY_TYPE.getOrDefault(type, UNKNOWN);
    }

    /** Fills the alert's likely causes, recommended actions and runbook from its type (copies: alerts are mutable). */
    public static Alert apply(Alert alert) {
        Guidance g = of(alert.type);
        alert.likelyCauses = g.likelyCauses().clone();
        alert.recommendedActions = g.recommendedActions().clone();
        alert.runbook = g.runbook();
        return alert;
    }
}
