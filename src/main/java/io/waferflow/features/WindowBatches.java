package io.waferflow.features;

import io.waferflow.model.DeviceTest;
import io.waferflow.model.DeviceTestBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.MergingWindowAssigner;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Hands the window operator a wafer's tests in batches, so that a window's state is read and written once per batch
 * rather than once per test: with RocksDB every access deserializes and serializes the whole accumulator (its exact
 * quantile buffers and die list, tens of kilobytes); batches doubled the job's rate on RocksDB (BENCHMARKS.md).
 *
 * <p>A batch is a run of consecutive tests of one wafer that the assigner puts in the same windows; a test in other
 * windows sends its wafer's open batch on first. Each window therefore still receives its tests one by one in arrival
 * order, so every aggregate, sketch and floating-point sum is the same as without batches, whatever the batch
 * boundaries. A test of a window that has fired already (a late one) goes on alone and at once, as the window operator
 * fires such a window again for each of its tests. Open batches go downstream before every watermark (so a window holds
 * all its tests when it fires), before every checkpoint barrier (so this operator has no state), at the end of input,
 * and when the buffered values reach {@code maxBufferedValues} (a memory bound). Session windows get one test per
 * batch: a session's extent depends on state only the window operator has. The batch carries its first test's
 * timestamp, which lies in every window of the batch, so the window operator assigns it, and judges it late, exactly as
 * it would each of its tests.
 */
public class WindowBatches extends AbstractStreamOperator<DeviceTestBatch>
        implements OneInputStreamOperator<DeviceTest, DeviceTestBatch> {

    private static final long serialVersionUID = 1L;

    private final WindowAssigner<Object, TimeWindow> assigner;
    private final long maxBufferedValues;
    private final boolean oneTestPerBatch;

    private transient Map<String, Open> open;
    private transient WindowAssigner.WindowAssignerContext context;
    private transient long bufferedValues;
    private transient long watermark;

    /**
     * @param batchExecution batch execution (a backfill): one test per batch. Its state backend keeps only the current
     *     wafer's state, in heap, and forgets it (firing its timers) when the next wafer's tests begin, so batches save
     *     nothing there, and a batch still open when its wafer's input ends would reach a wafer already forgotten.
     */
    public WindowBatches(WindowAssigner<Object, TimeWindow> assigner, long maxBufferedValues, boolean batchExecution) {
        this.assigner = assigner;
        this.maxBufferedValues = maxBufferedValues;
        this.oneTestPerBatch = assigner instanceof MergingWindowAssigner || batchExecution;
        // Chained to the duplicate check and the window operator: a task of its own would ship every test once more.
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    /** A wafer's open batch: its tests so far, the windows they share, and the first test's timestamp. */
    private static final class Open {
        final Collection<TimeWindow> windows;
        final long timestamp;
        final List<DeviceTest> tests = new ArrayList<>();
        long values;

        Open(Collection<TimeWindow> windows, long timestamp) {
            this.windows = windows;
            this.timestamp = timestamp;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new LinkedHashMap<>();
        watermark = Long.MIN_VALUE;
        context = new WindowAssigner.WindowAssignerContext() {
            @Override
            public long getCurrentProcessingTime() {
                return getProcessingTimeService().getCurrentProcessingTime();
            }
        };
    }

    @Override
    public void processElement(StreamRecord<DeviceTest> element) {
        DeviceTest test = element.getValue();
        long timestamp = element.getTimestamp();
        if (oneTestPerBatch) {
            output.collect(new StreamRecord<>(DeviceTestBatch.of(test), timestamp));
            return;
        }
        Collection<TimeWindow> windows = assigner.assignWindows(test, timestamp, context);
        Open batch = open.get(test.waferId);
        if (batch != null && !batch.windows.equals(windows)) {
            sendOpen(test.waferId, batch);
            batch = null;
        }
        if (firedAlready(windows)) {
            // The window operator fires such a window again for each test it gets: one batch would be one firing.
            if (batch != null) {
                sendOpen(test.waferId, batch);
            }
            output.collect(new StreamRecord<>(DeviceTestBatch.of(test), timestamp));
            return;
        }
        if (batch == null) {
            batch = new Open(windows, timestamp);
            open.put(test.waferId, batch);
        }
        batch.tests.add(test);
        batch.values += 1 + test.parameters.length;
        bufferedValues += 1 + test.parameters.length;
        if (bufferedValues >= maxBufferedValues) {
            sendAll();
        }
    }

    /** True if a window has fired (its end passed by the watermark): a test in it is late, within lateness or not. */
    private boolean firedAlready(Collection<TimeWindow> windows) {
        for (TimeWindow w : windows) {
            if (w.maxTimestamp() <= watermark) {
                return true;
            }
        }
        return false;
    }

    private void sendOpen(String waferId, Open batch) {
        open.remove(waferId);
        bufferedValues -= batch.values;
        send(batch);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendAll();
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        sendAll();
    }

    @Override
    public void finish() throws Exception {
        sendAll();
        super.finish();
    }

    private void sendAll() {
        for (Open batch : open.values()) {
            send(batch);
        }
        open.clear();
        bufferedValues = 0;
    }

    private void send(Open batch) {
        output.collect(new StreamRecord<>(DeviceTestBatch.of(batch.tests.toArray(new DeviceTest[0])), batch.timestamp));
    }
}
