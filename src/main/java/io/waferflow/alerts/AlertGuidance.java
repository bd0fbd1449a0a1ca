package io.waferflow.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an on-call engineer should suspect and do, per alert type, and the runbook that explains it in depth
 * ({@code docs/runbooks/*.md}: keep the texts here and there in step). {@link #apply} fills an alert's
 * {@code likelyCauses}, {@code recommendedActions} and {@code runbook} from its {@code type}; a type without
 * guidance gets generic text and the pipeline-health runbook.
 */
public final class AlertGuidance {

    public static final String DRIFT_RUNBOOK = "docs/runbooks/drift.md";
    public static final String DATA_QUALITY_RUNBOOK = "docs/runbooks/data-quality.md";
    public static final String WAFER_REJECTED_RUNBOOK = "docs/runbooks/wafer-rejected.md";
    public static final String PIPELINE_HEALTH_RUNBOOK = "docs/runbooks/pipeline-health.md";

    /** Causes, actions and runbook of one alert type. */
    public record Guidance(String[] likelyCauses, String[] recommendedActions, String runbook) {}

    private static final Map<String, Guidance> BY_TYPE = new LinkedHashMap<>();

    static {
        BY_TYPE.put("drift", new Guidance(new String[] {
                "Tester calibration drift on the instrument that measures this parameter (DPS for vdd/idd, timing for frequency)",
                "Probe card wear or contamination: rising contact resistance shifts voltage and current readings",
                "Temperature chuck off its set point (idd and frequency depend on die temperature)",
                "Test program change: new test conditions, limits or measurement order",
                "New lot or process change upstream: a real product shift",
                "Upstream STDF converter bug: wrong unit or scaling, or the wrong test number mapped to this field",
        }, new String[] {
                "Compare baseline and current: redis-cli HGETALL wf:drift:<group>:<version>:<feature>, and the feature's history in _drift Parquet",
                "Split the feature by tester_id and lot_id in the raw archive: one tester points at equipment, every tester at product or process",
                "Check that tester's calibration record and the probe card's touchdown count and last clean; run a correlation (golden) wafer",
                "Check test program and STDF converter releases deployed since the baseline was built",
                "If the shift is an intended, confirmed process change, build a new baseline (bin/waferflow baseline) and start the job fresh with it: restored state keeps the old one",
        }, DRIFT_RUNBOOK));
        BY_TYPE.put("drift_multiple", new Guidance(new String[] {
                "Test program or STDF converter change that affects several measurements at once",
                "Tester hardware fault or lapsed calibration (power supply, PMU, reference clock) shared by the drifting features",
                "Temperature chuck fault: idd, frequency and temperature readings move together",
                "Probe card contamination: contact resistance moves every parametric reading",
                "New lot or process change upstream",
                "Schema or converter mapping error: fields swapped, units changed",
        }, new String[] {
                "List the drifting features (alert 'features') and read wf:drift:<group>:<version>:<feature> for each in Redis",
                "Split each feature by tester_id and lot_id in the raw archive: a common tester, lot or start time is the lead",
                "Ask the test floor about program, converter, probe card or tester changes at the drift start (first_seen)",
                "Hold model-based disposition for the affected lots until the cause is known",
                "Once explained and intended, build new baselines (a fresh start: restored state keeps the old ones); otherwise fix the equipment and watch the alert resolve",
        }, DRIFT_RUNBOOK));
        BY_TYPE.put("range_violations", new Guidance(new String[] {
                "Probe card contact problem on this wafer (opens, high contact resistance) giving out-of-range readings",
                "A tester writing bad units: one tester's readings off scale",
                "Schema range in jobs/features.yaml out of step with the test program's limits",
                "Upstream STDF converter bug: unit or scaling error (mA written as A, mV as V)",
                "Real process excursion on this wafer",
        }, new String[] {
                "Read the wafer's range violations in _quarantine Parquet (rule = range, the alert's field): values and expected range",
                "Compare with other wafers of the lot and of the same tester (kcat on the violation topic, or the raw archive)",
                "Check the schema's min/max for the field against the test program's limits",
                "If one tester or probe card is the common factor: stop it, clean or replace the card, re-probe the wafer",
        }, DATA_QUALITY_RUNBOOK));
        BY_TYPE.put("distribution_shift", new Guidance(new String[] {
                "Process excursion on this wafer or its lot",
                "Temperature chuck off its set point while this wafer was tested",
                "Probe card wear or contamination, or a tester calibration drift, on the tester of this wafer",
                "Test program change between the baseline and this wafer",
        }, new String[] {
                "Compare the wafer's window mean with the baseline: redis-cli HGETALL wf:wafer_aggregates:v1:<wafer> and wf:drift:<group>:<version>:<field>",
                "Check whether other wafers of the lot and of the same tester shift too (_quality_events Parquet, type distribution_shift)",
                "Look at the wafer map of the field: a spatial pattern (edge, cluster) points at process, a uniform offset at the tester",
                "If several wafers of one tester shift, treat it as drift on that tester (see the drift runbook)",
        }, DATA_QUALITY_RUNBOOK));
        BY_TYPE.put("wafer_rejected", new Guidance(new String[] {
                "Probe card contact failure or misalignment across the wafer",
                "A tester writing bad units (instrument fault, lapsed calibration)",
                "Temperature chuck fault during this wafer's test",
                "Wrong test program or wrong schema limits for this product",
                "Upstream STDF converter bug (units, scaling, field mapping)",
                "Real process excursion: the wafer is bad",
        }, new String[] {
                "Hold the wafer's disposition: do not ship or bin on the model's output until reviewed",
                "Read the wafer's violations in _quarantine Parquet and group by field: one field or all fields?",
                "Check the tester and probe card used: other wafers of the same tester since first_seen",
                "Re-probe the wafer on another tester if the equipment is suspect; escalate to process engineering if the data holds",
        }, WAFER_REJECTED_RUNBOOK));
        BY_TYPE.put("iqr_outliers", new Guidance(new String[] {
                "Individual defective dies (expected: normal data has about 0.7 % of values outside the fences)",
                "Edge dies or a local defect cluster",
                "Intermittent probe contact on a few touchdowns",
        }, new String[] {
                "No immediate action: informational",
                "Watch the trend: a rising outlier share on one tester or a spatial cluster on the wafer map is worth a look",
        }, DATA_QUALITY_RUNBOOK));
        BY_TYPE.put("wafer_quarantined", new Guidance(new String[] {
                "Upstream STDF converter bug: unparseable JSON, missing required fields, wrong types",
                "Clock skew on a tester: implausible or too-late event times",
                "Wrong wafer map or notch orientation: dies off the map",
                "Re-deliveries from the converter or a replay: duplicates",
                "Schema change upstream not reflected in jobs/features.yaml",
        }, new String[] {
                "Group the wafer's rows in _quarantine Parquet by rule and field to see which check fails",
                "Read a few raw_payload values (or kcat the violation topic) to see what the converter sends",
                "Check the tester's clock (NTP) when the rules are implausible_event_time or too_late",
                "After the fix, replay quarantined raw payloads whose windows are still within the allowed lateness; older ones need a backfill",
        }, DATA_QUALITY_RUNBOOK));
    }

    static {
        BY_TYPE.put(StoreOutageAlerts.TYPE, new Guidance(new String[] {
                "The Redis process stopped, is restarting or is being failed over",
                "The network between the TaskManagers and Redis: a firewall rule, DNS, a moved host or port",
                "TLS: an expired or replaced server certificate, a CA the job does not trust",
                "Redis overloaded: connections or commands time out (slow log, memory, persistence stalls)",
        }, new String[] {
                "From a TaskManager host: redis-cli -h <redis.host> -p <redis.port> PING (with --tls and credentials as configured)",
                "Read the Redis server's log, and INFO memory / INFO persistence / INFO clients on it",
                "Nothing is lost meanwhile: rows wait in the job's state (gauge online_store_up = 0) and are written when Redis answers; checkpoints grow with the waiting rows",
                "Models read stale online features until then: serve defaults or hold model decisions if that matters",
                "The alert resolves by itself on the first write that succeeds",
        }, PIPELINE_HEALTH_RUNBOOK));
    }

    private static final Guidance UNKNOWN = new Guidance(new String[] {
            "A pipeline condition: job restarts, failing checkpoints, Kafka lag, Redis unreachable, Parquet commits lagging",
    }, new String[] {
            "Open the Flink web UI: job status, exceptions, restarts, checkpoint history, back pressure",
            "Follow the pipeline-health runbook for the symptom",
    }, PIPELINE_HEALTH_RUNBOOK);

    private AlertGuidance() {}

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
