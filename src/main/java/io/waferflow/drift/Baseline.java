package io.waferflow.drift;

/** A feature's drift baseline in keyed state: the distribution, where it came from, and whether it is complete. */
public class Baseline {

    public Distribution distribution = new Distribution();
    /** {@code stream:<first window start>..<last window end>} or {@code file:<name>}. */
    public String id;

    public boolean complete;
    /** Start of the first drift window merged into a stream baseline. */
    public long firstWindowStart = Long.MIN_VALUE;

    public Baseline() {}
}
