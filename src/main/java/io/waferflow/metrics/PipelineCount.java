package io.waferflow.metrics;

/** One counter's value in a checkpoint: the operator state behind {@link PipelineCounters}. A POJO. */
public class PipelineCount {

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
