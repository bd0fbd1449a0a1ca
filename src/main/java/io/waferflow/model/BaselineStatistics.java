package io.waferflow.model;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The statistics of a parameter's drift baseline that derived features may read, named
 * {@code baseline.<parameter>.<statistic>} (e.g. {@code baseline.vdd.mean}). The names follow the per-parameter feature
 * columns ({@link FeatureColumns#PER_PARAMETER}) plus {@code count}: a baseline holds exact moments, min and max, and a
 * KLL sketch for the quantiles. One vocabulary for the configuration's checks and the values of a loaded baseline.
 */
public final class BaselineStatistics {

    public static final String PREFIX = "baseline.";
    public static final List<String> NAMES = List.of("mean", "std", "min", "max", "p50", "p95", "count");

    /** A variable {@code baseline.<parameter>.<statistic>}, split. */
    public record Reference(String parameter, String statistic) {}

    private BaselineStatistics() {}

    public static String key(String parameter, String statistic) {
        return PREFIX + parameter + "." + statistic;
    }

    /** The parameter and statistic a variable names, if it has the shape {@code baseline.<parameter>.<statistic>}. */
    public static Optional<Reference> parse(String variable) {
        if (!variable.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = variable.substring(PREFIX.length());
        int dot = rest.lastIndexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new Reference(rest.substring(0, dot), rest.substring(dot + 1)));
    }

    /**
     * Whether {@code name} is a parametric test among these feature columns: every parametric test has all its
     * {@code <name>_mean|std|...} columns, and no other column set does.
     */
    public static boolean isParameter(String name, Collection<String> featureColumns) {
        return FeatureColumns.PER_PARAMETER.stream().allMatch(s -> featureColumns.contains(name + "_" + s));
    }
}
