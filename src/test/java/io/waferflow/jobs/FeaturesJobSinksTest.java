package io.waferflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.TestConfigs;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Each {@link JobOutput} key reaches its own stream: a probe sink given for one output is fed by the operators that
 * produce that output (two outputs share a record type, so a mix-up would compile), and {@code alsoTo} keeps both.
 */
class FeaturesJobSinksTest {

    private final FeaturesJobConfig config = TestConfigs.features("kafka.source_parallelism=2");

    /** The operators (uid, and the side output read from them) each output is taken from. */
    private static final Map<JobOutput<?>, Set<String>> FED_BY = Map.of(
            JobOutput.ONLINE, Set.of(Uids.WAFER_FINALIZER),
            JobOutput.OFFLINE, Set.of(Uids.WAFER_FINALIZER + "#offline-rows"),
            JobOutput.RAW_ARCHIVE, Set.of(Uids.RAW_RECORDS),
            JobOutput.VIOLATIONS,
                    Set.of(Uids.ROUTE + "#violations", Uids.DROP_DUPLICATES + "#duplicates", Uids.TOO_LATE),
            JobOutput.QUALITY_EVENTS, Set.of(Uids.WAFER_QUALITY, Uids.DRIFT_DETECTOR + "#distribution-quality-events"),
            JobOutput.DRIFT_METRICS, Set.of(Uids.DRIFT_DETECTOR),
            JobOutput.DRIFT_EVENTS, Set.of(Uids.DRIFT_EVENTS),
            JobOutput.ALERTS, Set.of(Uids.ALERT_POLICY));

    @Test
    void eachOutputKeyHooksItsOwnStream() {
        assertThat(FED_BY.keySet()).containsExactlyInAnyOrderElementsOf(JobOutput.ALL);
        for (JobOutput<?> output : JobOutput.ALL) {
            StreamGraph graph = build(probe(FeaturesJobSinks.none(), output, "probe"));
            assertThat(inputsOf(graph, "probe")).as(output.toString()).isEqualTo(new TreeSet<>(FED_BY.get(output)));
        }
    }

    @Test
    void alsoToAddsAHookAfterTheExistingOne() {
        FeaturesJobSinks first = probe(FeaturesJobSinks.none(), JobOutput.ALERTS, "first");
        StreamGraph graph = build(first.alsoTo(probe(FeaturesJobSinks.none(), JobOutput.ALERTS, "second")));
        assertThat(inputsOf(graph, "first")).isEqualTo(Set.of(Uids.ALERT_POLICY));
        assertThat(inputsOf(graph, "second")).isEqualTo(Set.of(Uids.ALERT_POLICY));
    }

    @Test
    void withReplacesOnlyItsOutput() {
        FeaturesJobSinks sinks = FeaturesJobSinks.production(config);
        Set<String> production = uids(build(sinks));
        Set<String> replaced = uids(build(probe(sinks, JobOutput.RAW_ARCHIVE, "probe")));
        Set<String> expected = new TreeSet<>(production);
        expected.removeIf(u -> u.contains(Uids.RAW_SINK)); // its writer and its committer
        expected.add("probe");
        assertThat(replaced).isEqualTo(expected);
    }

    private static <T> FeaturesJobSinks probe(FeaturesJobSinks sinks, JobOutput<T> output, String uid) {
        return sinks.with(output, s -> s.sinkTo(new DiscardingSink<>()).uid(uid));
    }

    private StreamGraph build(FeaturesJobSinks sinks) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironment.flinkConfiguration(config));
        new FeaturesJob(config, KafkaInput.source(config), sinks).build(env);
        return env.getStreamGraph();
    }

    private static Set<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .filter(u -> u != null)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> inputsOf(StreamGraph graph, String uid) {
        List<StreamNode> sinks = graph.getStreamNodes().stream()
                .filter(n -> uid.equals(n.getTransformationUID()))
                .toList();
        assertThat(sinks).as("the sink " + uid).hasSize(1);
        return sinks.get(0).getInEdges().stream()
                .map(e -> graph.getStreamNode(e.getSourceId()).getTransformationUID()
                        + (e.getOutputTag() == null
                                ? ""
                                : "#" + e.getOutputTag().getId()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
