package io.waferflow.metrics;

/**
 * One counter's value in a checkpoint: the operator state behind {@link PipelineCounters}. A POJO (Serializable so a
 * savepoint migration can carry counters inside the function that writes them back).
 */
public class PipelineCount implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public String name;
    public long value;

    public PipelineCount() {}

    public PipelineCount(String name, long value) {
        this.name = name;
        this.value = value;
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
