package io.waferflow.training;

import java.io.Serializable;
import java.util.List;

/**
 * One feature group and version a training set joins: the feature columns asked for ({@code requested}) and the ones
 * read ({@code read}: those, then what derived features of this input need). Its output columns are named
 * {@code <group>__<version>__<column>} ({@link #column}).
 */
public record FeatureInput(String group, String version, List<String> requested, List<String> read)
        implements Serializable {

    public FeatureInput {
        requested = List.copyOf(requested);
        read = List.copyOf(read);
    }

    /** An output column of this input: {@code <group>__<version>__<name>}. */
    public String column(String name) {
        return group + "__" + version + "__" + name;
    }

    public String statusColumn() {
        return column("status");
    }

    public String windowEndColumn() {
        return column("window_end");
    }
}
