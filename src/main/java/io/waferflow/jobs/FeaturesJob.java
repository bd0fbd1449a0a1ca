package io.waferflow.jobs;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertPolicy;
import io.waferflow.alerts.AlertSignal;
import io.waferflow.alerts.DriftSignals;
import io.waferflow.alerts.QualitySignals;
import io.waferflow.alerts.StoreOutageAlerts;
import io.waferflow.config.AlertsConfig;
import io.waferflow.config.DriftConfig;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.WindowSpec;
import io.waferflow.config.registry.FeatureDefinitions;
import io.waferflow.drift.BaselineFile;
import io.waferflow.drift.DriftDetector;
import io.waferflow.drift.DriftGroupCap;
import io.waferflow.drift.DriftMetric;
import io.waferflow.drift.DriftVerdict;
import io.waferflow.drift.WaferDistributionRules;
import io.waferflow.features.RestoredWatermark;
import io.waferflow.features.StampWindow;
import io.waferflow.features.WaferFeatureFinalizer;
import io.waferflow.features.WaferFeatures;
import io.waferflow.features.WaferQualityRules;
import io.waferflow.features.WaferWindowAggregator;
import io.waferflow.features.WaferWindowSummary;
import io.waferflow.features.WindowBatches;
import io.waferflow.ingest.EventTimeWatermarks;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.ingest.RouteDeviceTests;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import io.waferflow.model.DriftGroups;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.QualityEvent;
import io.waferflow.model.StoreStatus;
import io.waferflow.model.Violation;
import io.waferflow.model.WaferParameterWindow;
import io.waferflow.quality.DropDuplicates;
import io.waferflow.quality.TooLateToViolation;
import io.waferflow.sketch.QuantileSketches;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The streaming feature job (SPEC 3 {@code features}):
 *
 * <pre>
 * source (parse, watermarks per partition) ─ route
 *   ├─ raw archive (Parquet)
 *   ├─ violations ───────────────────────────────────────────────┬─ violations (Parquet, Kafka)
 *   └─ keyBy wafer ─ lateness floor ─ drop duplicates ─ window ───┘ (duplicates, too late)
 *        └─ keyBy wafer ─ finalize ─┬─ online (Redis)
 *                                   └─ offline (Parquet)
 *
 * final windows' distributions ─ keyBy parameter ─ drift (PSI, KS vs baseline) ─┬─ drift metrics (Parquet, Redis)
 *                                                                               ├─ drift events (alerting)
 *                                                                               └─ wafer shift / IQR quality events
 *   └ (drift.group_by) per group ─ keyBy parameter, field ─ cap ─ keyBy parameter, group ─ drift ─┘ (metrics, events)
 *
 * quality events ─ observations ─┬─ keyBy alert key ─ alert policy ─ alerts (Kafka, webhook, log)
 * drift metrics ─ keyBy window ─ Benjamini-Hochberg ─┘
 * </pre>
 *
 * The source and sinks are passed in; {@link #build} wires the same graph for production, tests and benchmarks. Every
 * operator has a uid from {@link Uids}. Guarantees: exactly-once state and Parquet (files commit on checkpoints),
 * idempotent Redis upserts, and every input record ends aggregated or quarantined.
 */
public final class FeaturesJob {

    public static final OutputTag<DeviceTestBatch> TOO_LATE = new OutputTag<>("too-late") {};

    /** {@link WindowBatches}' memory bound: values (parameters and one per test) held per subtask, ~8 MB. */
    static final long MAX_BATCHED_VALUES = 1_000_000;

    private final FeaturesJobConfig config;
    private final Source<ParsedDeviceTest, ?, ?> source;
    private final FeaturesJobSinks sinks;

    public FeaturesJob(FeaturesJobConfig config, Source<ParsedDeviceTest, ?, ?> source, FeaturesJobSinks sinks) {
        this.config = config;
        this.source = source;
        this.sinks = sinks;
    }

    public void build(StreamExecutionEnvironment env) {
        // The registry must describe what this graph computes (group and version registered, the same columns).
        FeatureDefinitions.of(config);
        env.setMaxParallelism(JobEnvironment.MAX_PARALLELISM);
        WindowSpec window = config.window();
        long lateness = window.allowedLateness().toMillis();

        // The source parses (DeviceTestDeserializer), so it assigns event time and watermarks per Kafka partition.
        // Routing stays chained to the readers, so each partition's records and watermarks reach the keyed
        // operators through one channel, in order.
        boolean kafka = source instanceof org.apache.flink.connector.kafka.source.KafkaSource;
        int readers = kafka ? KafkaInput.readers(config) : config.parallelism();
        SingleOutputStreamOperator<DeviceTest> parsed = env.fromSource(
                        source, watermarks(config), kafka ? "Device tests (Kafka)" : "Device tests (files)")
                .uid(Uids.SOURCE)
                .setParallelism(readers)
                .process(new RouteDeviceTests())
                .uid(Uids.ROUTE)
                .name("Valid records and violations")
                .setParallelism(readers);

        // The lateness floor is the keyed task's first operator, so it holds whatever order the channels' records and
        // watermarks arrive in after a restore; the operators after it stay partitioned by wafer (no second shuffle).
        SingleOutputStreamOperator<DeviceTest> floored = parsed.keyBy(record -> record.waferId)
                .transform(
                        "Lateness floor kept across restores",
                        TypeInformation.of(DeviceTest.class),
                        new RestoredWatermark<DeviceTest>())
                .uid(Uids.RESTORED_WATERMARK);
        SingleOutputStreamOperator<DeviceTest> unique = DataStreamUtils.reinterpretAsKeyedStream(
                        floored, record -> record.waferId, Types.STRING)
                .process(new DropDuplicates(
                        config.waferQuietTimeout().toMillis(), config.schema().parameterNames()))
                .uid(Uids.DROP_DUPLICATES)
                .name("Drop duplicates");

        SingleOutputStreamOperator<DeviceTestBatch> batches = unique.transform(
                        "Tests batched per wafer window",
                        TypeInformation.of(DeviceTestBatch.class),
                        new WindowBatches(
                                assigner(window),
                                MAX_BATCHED_VALUES,
                                env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
                                        != RuntimeExecutionMode.STREAMING))
                .uid(Uids.WINDOW_BATCHES);
        SingleOutputStreamOperator<WaferWindowSummary> windows = DataStreamUtils.reinterpretAsKeyedStream(
                        batches, batch -> batch.waferId, Types.STRING)
                .window(assigner(window))
                .allowedLateness(window.allowedLateness())
                .sideOutputLateData(TOO_LATE)
                .aggregate(aggregator(config), new StampWindow())
                .uid(Uids.WAFER_WINDOW)
                .name("Wafer window aggregates");

        SingleOutputStreamOperator<WaferFeatures> online = windows.keyBy(summary -> summary.features.waferId)
                .process(finalizer(config))
                .uid(Uids.WAFER_FINALIZER)
                .name("Wafer features (neighbour yield, online/offline routing)");

        DataStream<Violation> tooLate = windows.getSideOutput(TOO_LATE)
                .flatMap(new TooLateToViolation(lateness, config.schema().parameterNames()))
                .uid(Uids.TOO_LATE)
                .name("Too-late records to quarantine");

        DataStream<WaferFeatures> finalRows = online.getSideOutput(WaferFeatureFinalizer.OFFLINE);
        DataStream<QualityEvent> qualityEvents = finalRows
                .flatMap(new WaferQualityRules(
                        config.schema().parameterNames(),
                        config.quality().rangeViolationRate(),
                        config.quality().rejectFlaggedRate(),
                        config.quality().quarantineRate()))
                .uid(Uids.WAFER_QUALITY)
                .name("Wafer quality rules");

        // The online sinks hand back their writers' reports on Redis: an outage is alerted on as well.
        DataStream<StoreStatus> stores = sinks.write(JobOutput.ONLINE, online);
        DataStream<DriftMetric> driftMetrics = null;
        if (config.drift().enabled()) {
            DataStream<WaferParameterWindow> distributions = online.getSideOutput(WaferFeatureFinalizer.DISTRIBUTIONS);
            DataStream<WaferParameterWindow> groups = null;
            if (config.drift().grouped()) {
                groups = distributions
                        .filter(w -> w.group != null)
                        .uid(Uids.DRIFT_GROUP_INPUTS)
                        .name("Drift group distributions");
                distributions = distributions
                        .filter(w -> w.group == null)
                        .uid(Uids.DRIFT_OVERALL_INPUTS)
                        .name("Overall distributions");
            }
            SingleOutputStreamOperator<DriftMetric> overall = distributions
                    .keyBy(w -> w.feature)
                    .process(driftDetector(config))
                    .uid(Uids.DRIFT_DETECTOR)
                    .name("Drift per feature (PSI, KS)");
            qualityEvents = qualityEvents.union(overall.getSideOutput(DriftDetector.QUALITY_EVENTS));
            DataStream<DriftMetric> drift = overall;
            if (groups != null) {
                drift = overall.union(groups.keyBy(DriftGroupCap::key)
                        .process(new DriftGroupCap(config.drift().maxGroups()))
                        .uid(Uids.DRIFT_GROUP_CAP)
                        .name("Drift groups per parameter (cap, the rest as other)")
                        .keyBy(w -> DriftGroups.detectorKey(w.feature, w.group))
                        .process(driftDetector(config))
                        .uid(Uids.DRIFT_GROUP_DETECTOR)
                        .name("Drift per feature and group (PSI, KS)"));
            }
            driftMetrics = drift;
            stores = StoreHook.union(stores, sinks.write(JobOutput.DRIFT_METRICS, drift));
            sinks.write(
                    JobOutput.DRIFT_EVENTS,
                    drift.filter(m -> m.verdict == DriftVerdict.MODERATE || m.verdict == DriftVerdict.DRIFT)
                            .uid(Uids.DRIFT_EVENTS)
                            .name("Drift events (moderate, drift)"));
        }
        if (config.alerts().enabled()) {
            sinks.write(JobOutput.ALERTS, alerts(config, driftMetrics, qualityEvents, stores));
        }

        sinks.write(JobOutput.OFFLINE, finalRows);
        sinks.write(JobOutput.QUALITY_EVENTS, qualityEvents);
        // Every record that passed parsing, as received (re-deliveries included; a backfill replays the archive through
        // the same duplicate check). Chained with the source, the Parquet work shares the source's thread rather than
        // the busier keyed one.
        sinks.write(
                JobOutput.RAW_ARCHIVE,
                parsed.filter(record -> !record.quarantined)
                        .uid(Uids.RAW_RECORDS)
                        .name("Records, not markers"));
        sinks.write(
                JobOutput.VIOLATIONS,
                parsed.getSideOutput(RouteDeviceTests.VIOLATIONS)
                        .union(unique.getSideOutput(DropDuplicates.DUPLICATES), tooLate));
    }

    /**
     * Drift and quality findings → observations per window → the alert policy (SPEC 5); and, on processing time, the P0
     * of a store its writers cannot reach ({@code stores} may be null: no writer reports).
     */
    private static DataStream<Alert> alerts(
            FeaturesJobConfig c,
            DataStream<DriftMetric> driftMetrics,
            DataStream<QualityEvent> qualityEvents,
            DataStream<StoreStatus> stores) {
        AlertsConfig a = c.alerts();
        DataStream<AlertSignal> signals = qualityEvents
                .map(new QualitySignals())
                .uid(Uids.QUALITY_SIGNALS)
                .name("Quality findings to alert observations");
        if (driftMetrics != null) {
            signals = signals.union(driftMetrics
                    .keyBy(m -> m.windowEnd)
                    .process(new DriftSignals(a.fdr(), a.fdrQ(), a.severalFeatures()))
                    .uid(Uids.DRIFT_SIGNALS)
                    .name("Drift observations (Benjamini-Hochberg per window)"));
        }
        DataStream<Alert> notifications = signals.keyBy(s -> s.key)
                .process(new AlertPolicy(
                        Map.of(DriftSignals.POLICY, a.driftPolicy(), QualitySignals.POLICY, a.qualityPolicy())))
                .uid(Uids.ALERT_POLICY)
                .name("Alert policy (sustain, dedup, resolve, escalate)");
        if (stores == null) {
            return notifications;
        }
        return notifications.union(stores.keyBy(s -> s.store)
                .process(new StoreOutageAlerts())
                .uid(Uids.STORE_OUTAGE_ALERTS)
                .name("Store outages (P0)"));
    }

    private static WaferWindowAggregator aggregator(FeaturesJobConfig c) {
        if (!c.drift().enabled()) {
            return WaferWindowAggregator.forSchema(c.schema(), QuantileSketches.DEFAULT_K);
        }
        // The wafer windows' sketches become the drift distributions: a smaller k there would set the merged drift
        // sketch's accuracy (KLL keeps the smaller k of a merge), so they use drift.sketch_k when it is larger.
        int k = Math.max(QuantileSketches.DEFAULT_K, c.drift().sketchK());
        WaferWindowAggregator a = WaferWindowAggregator.forSchema(c.schema(), k);
        return c.drift().grouped() ? a.withGroups(c.drift().groupBy(), c.drift().maxGroups()) : a.withDistributions();
    }

    private static WaferFeatureFinalizer finalizer(FeaturesJobConfig c) {
        WindowSpec w = c.window();
        long lateness = w.allowedLateness().toMillis();
        long quiet = c.waferQuietTimeout().toMillis();
        boolean merging = w.type() == WindowSpec.Type.SESSION;
        if (!c.drift().enabled()) {
            return new WaferFeatureFinalizer(lateness, quiet, merging);
        }
        long tile = w.type() == WindowSpec.Type.SLIDING ? w.size().toMillis() : 0;
        WaferFeatureFinalizer f =
                new WaferFeatureFinalizer(lateness, quiet, merging, c.schema().parameterNames(), tile);
        return c.drift().grouped() ? f.withDriftGroups() : f;
    }

    private static DriftDetector driftDetector(FeaturesJobConfig c) {
        DriftConfig d = c.drift();
        WaferDistributionRules rules = new WaferDistributionRules(
                c.quality().meanShiftSigma(),
                c.quality().iqrFence(),
                c.quality().iqrOutlierRate(),
                d.sketchK());
        long lateness = c.window().allowedLateness().toMillis();
        if (d.baselineFrom() != DriftConfig.BaselineFrom.FILE) {
            return new DriftDetector(d, lateness, rules, null, null);
        }
        BaselineFile file = BaselineFile.forConfig(d, c.schema().parameterNames());
        return new DriftDetector(d, lateness, rules, file.features, file.id(java.nio.file.Path.of(d.baselineFile())));
    }

    static WatermarkStrategy<ParsedDeviceTest> watermarks(FeaturesJobConfig c) {
        return EventTimeWatermarks.of(
                c, c.outOfOrderness(), (parsed, kafkaTimestamp) -> parsed.eventTimeForWatermarks());
    }

    private static WindowAssigner<Object, TimeWindow> assigner(WindowSpec w) {
        switch (w.type()) {
            case SLIDING:
                return SlidingEventTimeWindows.of(w.size(), w.slide());
            case SESSION:
                return EventTimeSessionWindows.withGap(w.gap());
            default:
                return TumblingEventTimeWindows.of(w.size());
        }
    }
}
