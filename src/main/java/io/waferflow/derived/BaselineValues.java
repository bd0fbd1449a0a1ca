package io.waferflow.derived;

import io.waferflow.drift.Distribution;
import io.waferflow.model.BaselineStatistics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * A drift baseline (per parameter, its {@link Distribution}: what {@code io.waferflow.drift.BaselineFile} holds in
 * {@code features}) as the values derived features read: {@code baseline.<parameter>.<statistic>} for each of
 * {@link BaselineStatistics#NAMES}. {@code mean}, {@code std} (sample), {@code min}, {@code max} and {@code count} are
 * exact; {@code p50} and {@code p95} come from the baseline's KLL sketch: exact up to {@link Distribution#EXACT_VALUES}
 * values, rank error about 1.65 % at k = 200 beyond, the same way the window features' quantiles do. A statistic the
 * distribution cannot give (an empty one, the std of one value) is left out, and derived features that read it are
 * null.
 *
 * <p>{@link Distribution} is one of the model types kept in the drift package for savepoint compatibility, so this
 * stage may read it; the caller ({@code cli}, the server) loads the file with the drift stage.
 */
public final class BaselineValues {

    private BaselineValues() {}

    public static Map<String, Double> of(Map<String, Distribution> baseline) {
        Map<String, Double> values = new LinkedHashMap<>();
        baseline.forEach((parameter, d) -> {
            put(values, parameter, "count", d.n);
            if (d.isEmpty()) {
                return;
            }
            put(values, parameter, "mean", d.mean);
            put(values, parameter, "std", d.std());
            put(values, parameter, "min", d.min);
            put(values, parameter, "max", d.max);
            if (d.sketch != null) {
                KllDoublesSketch sketch = KllDoublesSketch.heapify(Memory.wrap(d.sketch));
                put(values, parameter, "p50", sketch.getQuantile(0.5, QuantileSearchCriteria.INCLUSIVE));
                put(values, parameter, "p95", sketch.getQuantile(0.95, QuantileSearchCriteria.INCLUSIVE));
            }
        });
        return values;
    }

    private static void put(Map<String, Double> values, String parameter, String statistic, double value) {
        if (Double.isFinite(value)) {
            values.put(BaselineStatistics.key(parameter, statistic), value);
        }
    }
}
