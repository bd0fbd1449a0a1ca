package io.waferflow.training;

import io.waferflow.model.TrainingEvent;

/**
 * What {@link PointInTimeJoin} keeps for one entity, per input: the latest row seen (whose window ended before the next
 * label, since rows and labels arrive in time order), and for {@code --as-of available} the latest row already
 * available at the last label plus the rows newer than it that were not available yet ({@link #pending}). A Flink POJO.
 */
public class JoinState {

    public TrainingEvent[] latest;
    public TrainingEvent[] available;
    /** Per input, rows newer than {@link #available} written after the last label's time; never null inside. */
    public TrainingEvent[][] pending;

    public JoinState() {}

    static JoinState empty(int inputs) {
        JoinState s = new JoinState();
        s.latest = new TrainingEvent[inputs];
        s.available = new TrainingEvent[inputs];
        s.pending = new TrainingEvent[inputs][];
        for (int i = 0; i < inputs; i++) {
            s.pending[i] = new TrainingEvent[0];
        }
        return s;
    }
}
