package io.waferflow.local.model;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.features.WaferFeatures;
import io.waferflow.model.FeatureColumns;
import io.waferflow.stores.offline.FeatureRowFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.fs.Path;

/**
 * Trains the demo's {@link YieldModel} on the offline store: the committed feature rows (one final row per wafer
 * window) of the configured group and version that ended by a cut-off, rejected wafer windows left out.
 */
public final class YieldModelTraining {

    public static final String MODEL = "yield_class";
    public static final String VERSION = "1";
    /** Parametric features only: never the yield, pass/fail counts or the neighbour yield derived from them. */
    public static final List<String> INPUTS = List.of("vdd_mean", "idd_mean", "frequency_mean", "avg_test_time_ms");
    /**
     * A wafer window is high-yield from 90 %: the generator's undrifted wafers yield about 93 % without defect clusters
     * (4 % random fails, 15 % on the edge ring) and lose 1-2 points per cluster (0-3 per wafer); below 90 % (about a
     * quarter of the undrifted windows) a wafer has large clusters. Nearer the median (91 %) more windows lie within
     * the features' noise of the threshold (about one yield point from a window's mean current and test time), and even
     * a perfect fit would misclassify about one in six.
     */
    public static final double THRESHOLD_YIELD_PCT = 90.0;
    /**
     * A mild L2 penalty on the standardized slopes: current and frequency nearly separate the classes in the demo's
     * data, where the unpenalized likelihood grows without bound.
     */
    public static final double L2 = 0.1;

    /** A training row: the inputs in {@link #INPUTS} order, its yield, its window end, whether it was rejected. */
    public record Row(double[] inputs, double yieldPct, long windowEnd, boolean rejected) {}

    private YieldModelTraining() {}

    /**
     * The rows of windows that ended in {@code (from, through]}.
     *
     * @throws ConfigException if the offline store has no directory for the group and version yet
     */
    public static List<Row> rows(FeaturesJobConfig config, long from, long through) throws IOException {
        FeatureRowFiles files = new FeatureRowFiles(config);
        FeatureColumns columns = new FeatureColumns(config.schema().parameterNames());
        int[] inputColumns = INPUTS.stream().mapToInt(columns.names()::indexOf).toArray();
        double rejectPct = 100 * config.quality().rejectFlaggedRate();
        List<Row> rows = new ArrayList<>();
        for (Path file : files.committed()) {
            files.read(file, r -> {
                WaferFeatures f = r.features();
                if (f.windowEnd > from && f.windowEnd <= through) {
                    double[] x = new double[inputColumns.length];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = inputColumns[j] < 0 ? Double.NaN : columns.value(f, inputColumns[j]);
                    }
                    rows.add(new Row(x, f.yieldPct, f.windowEnd, rejected(f.devicesFlaggedPct, rejectPct)));
                }
            });
        }
        return rows;
    }

    /**
     * A rejected wafer window (more of its devices flagged than {@code quality.wafer.reject_flagged_rate}, e.g. Vdd
     * written in millivolts): its values are not the wafer's, so it is neither trained on nor scored.
     */
    public static boolean rejected(double devicesFlaggedPct, double rejectPct) {
        return devicesFlaggedPct > rejectPct;
    }

    /** The model fitted to {@code rows}, trained on windows that ended by {@code through}. */
    public static YieldModel fit(List<Row> rows, long through) {
        return YieldModel.fit(
                MODEL,
                VERSION,
                INPUTS,
                rows.stream().map(Row::inputs).toArray(double[][]::new),
                rows.stream().mapToDouble(Row::yieldPct).toArray(),
                THRESHOLD_YIELD_PCT,
                L2,
                through);
    }
}
