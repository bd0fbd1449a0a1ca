package io.waferflow.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The watermark survives a restore, never goes back, and a drained job's end-of-input watermark is not kept. */
class RestoredWatermarkTest {

    private static List<Long> watermarks(OneInputStreamOperatorTestHarness<String, String> h) {
        List<Long> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark) {
                out.add(((Watermark) o).getTimestamp());
            }
        }
        return out;
    }

    @Test
    void aRestoredJobStartsFromItsLastRealWatermark() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new OneInputStreamOperatorTestHarness<String, String>(new RestoredWatermark<>())) {
            h.open();
            assertThat(watermarks(h)).as("a fresh start holds nothing back").isEmpty();
            h.processElement(new StreamRecord<>("a", 90));
            h.processWatermark(new Watermark(100));
            h.processWatermark(new Watermark(200));
            h.processWatermark(new Watermark(Long.MAX_VALUE)); // drained by stop-with-savepoint
            snapshot = h.snapshot(1, 1);
            assertThat(watermarks(h)).containsExactly(100L, 200L, Long.MAX_VALUE);
        }
        try (var h = new OneInputStreamOperatorTestHarness<String, String>(new RestoredWatermark<>())) {
            h.initializeState(snapshot);
            h.open();
            assertThat(watermarks(h)).as("before any record").containsExactly(200L);
            h.processWatermark(new Watermark(150)); // the source starting over: not forwarded
            h.processElement(new StreamRecord<>("b", 250));
            h.processWatermark(new Watermark(300));
            assertThat(watermarks(h)).containsExactly(200L, 300L);
            assertThat(h.extractOutputValues()).containsExactly("b");
        }
    }
}
