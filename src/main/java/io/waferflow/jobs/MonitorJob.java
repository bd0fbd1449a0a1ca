package io.waferflow.jobs;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.MonitorConfig;
import io.waferflow.drift.DriftMetric;
import io.waferflow.ingest.MonitorInput;
import io.waferflow.ingest.RouteMonitorRecords;
import io.waferflow.model.Actual;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.ModelMetrics;
import io.waferflow.model.ParsedMonitorRecord;
import io.waferflow.model.Prediction;
import io.waferflow.model.Violation;
import io.waferflow.monitor.ModelWindowMetrics;
import io.waferflow.monitor.PredictionJoin;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The model monitoring job (SPEC 3 {@code monitor}, docs/monitoring.md):
 *
 * <pre>
 * predictions (parse, watermarks per partition) ─ route ─ keyBy prediction id ─┐
 * actuals     (parse, watermarks per partition) ─ route ─ keyBy prediction id ─┴─ join ─ labeled predictions
 *   └─ violations (bad input; duplicates, orphans from the join) ─ quarantine (Parquet), violation topic
 * labeled predictions ─ keyBy model/version ─ window metrics ─ metrics (Parquet, Redis, gauges) ──────┐
 *   └─ first emissions ─ keyBy model/version ─ prediction and input windows ─┬─ concept drift ─┐     │
 *                                                                           └─ input drift ───┴─ model drift (Parquet)
 * metrics + model drift ─ degradation, concept drift ─ root cause (drifted inputs) ─ model alert policy ─ alerts
 *   └─ alerts firing for retrain_after ─ retrain requests (topic)
 * </pre>
 *
 * The sources and sinks are passed in; {@link #build} wires the same graph for production and tests. Every operator has
 * a uid from {@link Uids}. Guarantees: exactly-once state, Parquet and Kafka outputs (they commit on checkpoints),
 * idempotent Redis upserts that keep the newest window and revision, and every input record ends joined, counted
 * unlabeled or quarantined.
 */
public final class MonitorJob {

    private final FeaturesJobConfig config;
    private final Source<ParsedMonitorRecord, ?, ?> predictions;
    private final Source<ParsedMonitorRecord, ?, ?> actuals;
    private final MonitorJobSinks sinks;

    public MonitorJob(
            FeaturesJobConfig config,
            Source<ParsedMonitorRecord, ?, ?> predictions,
            Source<ParsedMonitorRecord, ?, ?> actuals,
            MonitorJobSinks sinks) {
        this.config = config;
        this.predictions = predictions;
        this.actuals = actuals;
        this.sinks = sinks;
    }

    /** The job's name: its Flink job name and its Kafka sinks' transactional ids ({@code <job.name>-monitor}). */
    public static String name(FeaturesJobConfig c) {
        return c.jobName() + "-monitor";
    }

    public void build(StreamExecutionEnvironment env) {
        env.setMaxParallelism(JobEnvironment.MAX_PARALLELISM);
        MonitorConfig m = config.monitor();

        SingleOutputStreamOperator<Prediction> predicted = read(
                env,
                predictions,
                "Predictions",
                Uids.MONITOR_PREDICTIONS_SOURCE,
                RouteMonitorRecords.predictions(),
                Uids.MONITOR_ROUTE_PREDICTIONS,
                Prediction.class);
        SingleOutputStreamOperator<Actual> actual = read(
                env,
                actuals,
                "Actuals",
                Uids.MONITOR_ACTUALS_SOURCE,
                RouteMonitorRecords.actuals(),
                Uids.MONITOR_ROUTE_ACTUALS,
                Actual.class);

        SingleOutputStreamOperator<LabeledPrediction> labeled = predicted
                .keyBy(p -> p.predictionId)
                .connect(actual.keyBy(a -> a.predictionId))
                .process(new PredictionJoin(m.labelMaxDelay().toMillis()))
                .uid(Uids.MONITOR_JOIN)
                .name("Join predictions with actuals");

        SingleOutputStreamOperator<ModelMetrics> metrics = labeled.keyBy(lp -> lp.prediction.modelKey())
                .process(new ModelWindowMetrics(
                        m.window().toMillis(),
                        m.labelMaxDelay().toMillis(),
                        m.updateInterval().toMillis()))
                .uid(Uids.MONITOR_WINDOW_METRICS)
                .name("Model metrics per window");

        sinks.write(MonitorOutput.LABELED, labeled);
        sinks.write(MonitorOutput.METRICS, metrics);
        DataStream<Violation> violations = predicted
                .getSideOutput(RouteMonitorRecords.VIOLATIONS)
                .union(
                        actual.getSideOutput(RouteMonitorRecords.VIOLATIONS),
                        labeled.getSideOutput(PredictionJoin.VIOLATIONS));
        sinks.write(MonitorOutput.VIOLATIONS, violations);

        // The model's findings: concept drift and drift of its inputs, then degradation, root cause, alerts, retrain.
        DataStream<DriftMetric> modelDrift = ModelDrift.build(config, labeled);
        sinks.write(MonitorOutput.MODEL_DRIFT, modelDrift);
        ModelJudgement.Outputs judged = ModelJudgement.build(config, metrics, modelDrift);
        if (config.alerts().enabled()) {
            sinks.write(MonitorOutput.ALERTS, judged.alerts());
        }
        sinks.write(MonitorOutput.RETRAIN, judged.retrain());
    }

    /** A topic's parsed records, routed (chained to the source): the sound ones, violations on the side. */
    private <T> SingleOutputStreamOperator<T> read(
            StreamExecutionEnvironment env,
            Source<ParsedMonitorRecord, ?, ?> source,
            String what,
            String sourceUid,
            RouteMonitorRecords<T> route,
            String routeUid,
            Class<T> type) {
        return env.fromSource(source, MonitorInput.watermarks(config), what + " (Kafka)")
                .uid(sourceUid)
                .process(route)
                .returns(TypeInformation.of(type))
                .uid(routeUid)
                .name("Valid " + what.toLowerCase(java.util.Locale.ROOT) + " and violations");
    }
}
