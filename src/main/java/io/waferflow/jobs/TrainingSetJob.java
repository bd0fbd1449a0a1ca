package io.waferflow.jobs;

import io.waferflow.model.TrainingEvent;
import io.waferflow.training.AsOf;
import io.waferflow.training.PointInTimeJoin;
import io.waferflow.training.TrainingRow;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The training-set job (issue 14): labels joined point-in-time with offline feature rows, one output row per label.
 *
 * <pre>
 * labels ───────────────┐
 * features G1:V1 ───────┼─ union ─ keyBy entity ─ point-in-time join ─ training rows (Parquet)
 * features G2:V2 ... ───┘
 * </pre>
 *
 * It must run in {@link RuntimeExecutionMode#BATCH}: batch execution sorts the keyed input by key and then record
 * timestamp ({@link TrainingEvent#sortTime}), which is what makes the join's O(1) state per key correct; in streaming
 * mode records would arrive unsorted, so {@link #build} refuses it. Sources and sink are passed in. Batch jobs restart
 * failed regions from their inputs, and the file sink commits when the job finishes: a failed job leaves no rows.
 */
public final class TrainingSetJob {

    private final Source<TrainingEvent, ?, ?> labels;
    private final List<Source<TrainingEvent, ?, ?>> features;
    private final Sink<TrainingRow> sink;
    private final AsOf asOf;
    private final long maxAgeMillis;

    /**
     * @param features one source per input, emitting that input's index ({@link TrainingEvent#input})
     * @param maxAgeMillis negative for no limit
     */
    public TrainingSetJob(
            Source<TrainingEvent, ?, ?> labels,
            List<Source<TrainingEvent, ?, ?>> features,
            Sink<TrainingRow> sink,
            AsOf asOf,
            long maxAgeMillis) {
        this.labels = labels;
        this.features = List.copyOf(features);
        this.sink = sink;
        this.asOf = asOf;
        this.maxAgeMillis = maxAgeMillis;
    }

    public void build(StreamExecutionEnvironment env) {
        if (env.getConfiguration().get(org.apache.flink.configuration.ExecutionOptions.RUNTIME_MODE)
                != RuntimeExecutionMode.BATCH) {
            throw new IllegalStateException("the training-set job needs batch execution (its join relies on the"
                    + " sorted input of execution.runtime-mode: BATCH)");
        }
        // No watermarks: batch execution needs none, only the timestamps it sorts by.
        WatermarkStrategy<TrainingEvent> byTime =
                WatermarkStrategy.<TrainingEvent>noWatermarks().withTimestampAssigner((e, previous) -> e.sortTime());
        DataStream<TrainingEvent> all = env.fromSource(labels, byTime, "labels")
                .uid(Uids.TRAINING_LABELS)
                .name("labels");
        for (int i = 0; i < features.size(); i++) {
            all = all.union(env.fromSource(features.get(i), byTime, "feature rows " + i)
                    .uid(Uids.TRAINING_FEATURES + i)
                    .name("feature rows " + i));
        }
        all.keyBy(e -> e.entity)
                .process(new PointInTimeJoin(features.size(), asOf, maxAgeMillis))
                .uid(Uids.POINT_IN_TIME_JOIN)
                .name("point-in-time join")
                .sinkTo(sink)
                .uid(Uids.TRAINING_SINK)
                .name("training set");
    }
}
