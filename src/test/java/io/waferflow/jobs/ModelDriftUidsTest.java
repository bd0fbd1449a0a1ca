package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.model.LabeledPrediction;
import io.waferflow.model.Prediction;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The uid guard for {@link ModelDrift}: its graph builds with auto-generated uids switched off. */
class ModelDriftUidsTest {

    @Test
    void everyOperatorHasItsUid() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        LabeledPrediction one = new LabeledPrediction(new Prediction(), null);
        ModelDrift.build(TestConfigs.features(), env.fromData(one).uid("test-predictions"))
                .sinkTo(new DiscardingSink<>())
                .uid("test-sink");

        StreamGraph graph = env.getStreamGraph();
        Set<String> uids = graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .collect(Collectors.toSet());
        assertThat(uids)
                .contains(
                        Uids.MONITOR_DRIFT_UNLABELED,
                        Uids.MONITOR_DRIFT_WINDOWS,
                        Uids.MONITOR_DRIFT_CONCEPT,
                        Uids.MONITOR_DRIFT_INPUTS);
        assertThat(graph.getJobGraph().getNumberOfVertices()).isPositive(); // throws for an operator without uid
    }
}
