package io.waferflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.features.WaferFeatures;
import io.waferflow.features.WaferWindowAccumulator;
import io.waferflow.features.WaferWindowAggregator;
import io.waferflow.features.WaferWindowSummary;
import io.waferflow.model.DeviceTest;
import io.waferflow.model.ParsedDeviceTest;
import io.waferflow.model.StoreStatus;
import io.waferflow.model.Violation;
import io.waferflow.sketch.QuantileSketches;
import io.waferflow.sketch.QuantileSketchesSerializer;
import io.waferflow.stores.online.RedisHashWrite;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every record and state type serializes as a Flink POJO (or with its own serializer), never through Kryo. */
class SerializationTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                DeviceTest.class,
                io.waferflow.model.DeviceTestBatch.class,
                ParsedDeviceTest.class,
                Violation.class,
                WaferWindowAccumulator.class,
                WaferWindowSummary.class,
                io.waferflow.features.GroupAccumulator.class,
                io.waferflow.features.GroupDistributions.class,
                WaferFeatures.class,
                RedisHashWrite.class,
                StoreStatus.class,
                io.waferflow.model.QualityEvent.class,
                io.waferflow.model.Prediction.class,
                io.waferflow.model.Actual.class,
                io.waferflow.model.LabeledPrediction.class,
                io.waferflow.monitor.PredictionWindowAccumulator.class,
                io.waferflow.model.ModelMetrics.class,
                io.waferflow.model.RetrainEvent.class,
                io.waferflow.model.ParsedMonitorRecord.class,
                io.waferflow.monitor.ModelWindowAccumulator.class,
                io.waferflow.metrics.PipelineCount.class,
                io.waferflow.drift.Distribution.class,
                io.waferflow.drift.Baseline.class,
                io.waferflow.model.WaferParameterWindow.class,
                io.waferflow.drift.DriftMetric.class,
                io.waferflow.alerts.Alert.class,
                io.waferflow.alerts.AlertSignal.class,
                io.waferflow.alerts.AlertEpisode.class,
                io.waferflow.alerts.ModelBaseline.class,
                io.waferflow.monitor.RetrainWatch.class,
                io.waferflow.model.TrainingEvent.class,
                io.waferflow.training.TrainingRow.class,
                io.waferflow.training.JoinState.class
            })
    void recordAndStateTypesArePojosWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }

    @Test
    void accumulatorRoundTripsWithItsSketches() throws Exception {
        WaferWindowAggregator agg = new WaferWindowAggregator(2, QuantileSketches.DEFAULT_K);
        WaferWindowAccumulator acc = agg.createAccumulator();
        for (int i = 0; i < 1000; i++) {
            DeviceTest d = new DeviceTest();
            d.waferId = "W";
            d.lotId = "L";
            d.dieX = i % 30;
            d.dieY = i / 30;
            d.passFail = i % 7 == 0 ? 0 : 1;
            d.parameters = new double[] {i, i % 2 == 0 ? Double.NaN : -i};
            agg.add(d, acc);
        }
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        TypeSerializer<WaferWindowAccumulator> serializer =
                TypeInformation.of(WaferWindowAccumulator.class).createSerializer(config.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(4096);
        serializer.serialize(acc, out);
        WaferWindowAccumulator back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        WaferWindowSummary before = agg.getResult(acc);
        WaferWindowSummary after = agg.getResult(back);
        assertThat(after.features.deviceCount).isEqualTo(1000);
        assertThat(after.features.p50).containsExactly(before.features.p50);
        assertThat(after.features.p95).containsExactly(before.features.p95);
        assertThat(after.features.std).containsExactly(before.features.std);
        assertThat(after.dieKeys).containsExactly(before.dieKeys);
        assertThat(back.sketches.count(0)).isEqualTo(1000);
        assertThat(back.sketches.count(1)).as("nulls are not counted").isEqualTo(500);
        assertThat(QuantileSketchesSerializer.INSTANCE.copy(acc.sketches).quantile(0, 0.5))
                .isEqualTo(acc.sketches.quantile(0, 0.5));
    }

    @Test
    void accumulatorRoundTripsWithItsDriftGroups() throws Exception {
        WaferWindowAggregator agg =
                new WaferWindowAggregator(1, QuantileSketches.DEFAULT_K).withGroups(java.util.List.of("tester_id"), 4);
        WaferWindowAccumulator acc = agg.createAccumulator();
        for (int i = 0; i < 300; i++) {
            DeviceTest d = new DeviceTest();
            d.waferId = "W";
            d.lotId = "L";
            d.testerId = "T" + i % 3;
            d.passFail = 1;
            d.parameters = new double[] {i};
            agg.add(d, acc);
        }
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        TypeSerializer<WaferWindowAccumulator> serializer =
                TypeInformation.of(WaferWindowAccumulator.class).createSerializer(config.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(4096);
        serializer.serialize(acc, out);
        WaferWindowAccumulator back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back.groups)
                .extracting(g -> g.group)
                .containsExactly("tester_id=T0", "tester_id=T1", "tester_id=T2");
        assertThat(back.groups[1].count[0]).isEqualTo(100);
        assertThat(back.groups[1].sketches.quantile(0, 0.5)).isEqualTo(acc.groups[1].sketches.quantile(0, 0.5));
    }
}
