package io.waferflow.local.model;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The traffic generator's side of the loop: each wafer window's actual yield class (from every die the generator tested
 * in it, whatever became of its record) goes to the actuals topic {@code delayMillis} of event time after the window's
 * end, as final test results arrive long after wafer sort; its event time is that due time. Driven by the generator's
 * thread: not thread-safe.
 */
public final class ActualPublisher {

    private final TopicSender topic;
    private final long delayMillis;
    private final double thresholdYieldPct;
    /** Finished windows waiting for their actual's time, in window-end order. */
    private final ArrayDeque<WaferWindowOutcome> waiting = new ArrayDeque<>();

    public ActualPublisher(TopicSender topic, long delayMillis, double thresholdYieldPct) {
        this.topic = topic;
        this.delayMillis = delayMillis;
        this.thresholdYieldPct = thresholdYieldPct;
    }

    /** Windows the generator finished, in window-end order. */
    public void finished(List<WaferWindowOutcome> windows) {
        waiting.addAll(windows);
    }

    /** Publishes the actuals due by event time {@code frontier} (the generator's); how many. */
    public int publishDue(long frontier) {
        int n = 0;
        while (!waiting.isEmpty() && waiting.peekFirst().windowEnd() + delayMillis <= frontier) {
            send(waiting.pollFirst());
            n++;
        }
        return n;
    }

    /** At the end of a run: every waiting actual now (with its due event time), acknowledged. */
    public void publishAll() {
        while (!waiting.isEmpty()) {
            send(waiting.pollFirst());
        }
        topic.flush();
    }

    public long published() {
        return topic.sent();
    }

    private void send(WaferWindowOutcome w) {
        String id = ModelTopicRecords.predictionId(
                YieldModelTraining.MODEL, YieldModelTraining.VERSION, w.waferId(), w.windowEnd());
        String actual = YieldModel.yieldClass(w.yieldPct(), thresholdYieldPct);
        topic.send(id, ModelTopicRecords.actual(id, actual, w.windowEnd() + delayMillis));
    }
}
