package io.waferflow.config.registry;

import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.config.FieldSpec;
import io.waferflow.config.InputSchema;
import io.waferflow.config.WindowSpec;
import io.waferflow.model.FeatureColumns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The definitions of a configuration's feature columns, one per column of {@link FeatureColumns} in its order.
 *
 * <p>STAND-IN (issue 14 part 3, lineage): derived here from {@link FeatureColumns} and the input schema so that column
 * lineage has one source to read; the feature registry (issue 14 part 2) replaces this file at merge with its own
 * {@code of(FeaturesJobConfig)}, and lineage then reads the registry's definitions unchanged.
 */
public final class FeatureDefinitions {

    private FeatureDefinitions() {}

    public static List<FeatureDefinition> of(FeaturesJobConfig config) {
        InputSchema schema = config.schema();
        String over = "over the devices of a wafer's " + window(config.window());
        List<String> allFields = schema.fields().stream().map(FieldSpec::name).toList();
        List<FeatureDefinition> out = new ArrayList<>();
        out.add(new FeatureDefinition(
                FeatureColumns.DEVICE_COUNT,
                "long",
                "devices",
                "device tests in the window",
                "count of distinct device tests " + over,
                List.of(InputSchema.DEVICE_ID)));
        out.add(new FeatureDefinition(
                FeatureColumns.YIELD_PCT,
                "double",
                "%",
                "share of passing devices",
                "100 * share of pass_fail = 1 " + over,
                List.of(InputSchema.PASS_FAIL)));
        for (FieldSpec p : schema.parameters()) {
            for (String stat : FeatureColumns.PER_PARAMETER) {
                out.add(new FeatureDefinition(
                        p.name() + "_" + stat,
                        "double",
                        p.unit(),
                        statName(stat) + " of " + p.name(),
                        statName(stat) + " of " + p.name() + " " + over + " (nulls skipped)",
                        List.of(p.name())));
            }
        }
        out.add(new FeatureDefinition(
                FeatureColumns.AVG_TEST_TIME_MS,
                "double",
                "ms",
                "mean test time per device",
                "mean of test_time_ms " + over,
                List.of(InputSchema.TEST_TIME_MS)));
        out.add(new FeatureDefinition(
                FeatureColumns.NEIGHBOR_YIELD_AVG,
                "double",
                "share",
                "mean pass share of each die's tested 8-neighbours",
                "for each die of the window, the share of its tested 8-neighbours (die_x, die_y +-1, latest test) with"
                        + " pass_fail = 1; mean " + over,
                List.of(InputSchema.DIE_X, InputSchema.DIE_Y, InputSchema.PASS_FAIL)));
        for (FieldSpec p : schema.parameters()) {
            out.add(new FeatureDefinition(
                    "dq_" + p.name() + "_null_rate",
                    "double",
                    "share",
                    "share of devices without " + p.name(),
                    "share of null " + p.name() + " " + over,
                    List.of(p.name())));
            out.add(new FeatureDefinition(
                    "dq_" + p.name() + "_flagged_rate",
                    "double",
                    "share",
                    "share of devices with " + p.name() + " outside its declared range",
                    "share of " + p.name() + " outside schema min/max/allowed " + over,
                    List.of(p.name())));
        }
        out.add(new FeatureDefinition(
                FeatureColumns.DQ_DEVICES_FLAGGED_PCT,
                "double",
                "%",
                "share of devices with any parameter out of range",
                "100 * share of devices with any parametric value outside its range " + over,
                schema.parameterNames()));
        out.add(new FeatureDefinition(
                FeatureColumns.DQ_QUARANTINE_RATE,
                "double",
                "share",
                "share of the wafer's records quarantined",
                "quarantined / all records of the wafer " + over + " (any field's rule may quarantine a record)",
                allFields));
        return List.copyOf(out);
    }

    private static String statName(String stat) {
        return switch (stat) {
            case "mean" -> "mean";
            case "std" -> "standard deviation";
            case "min" -> "minimum";
            case "max" -> "maximum";
            case "p50" -> "median (p50)";
            default -> "95th percentile (p95)";
        };
    }

    private static String window(WindowSpec w) {
        String lateness = ", allowed lateness " + human(w.allowedLateness());
        return switch (w.type()) {
            case TUMBLING -> "tumbling " + human(w.size()) + " event-time window" + lateness;
            case SLIDING -> "sliding " + human(w.size()) + " event-time window every " + human(w.slide()) + lateness;
            case SESSION -> "session window closed by a " + human(w.gap()) + " gap" + lateness;
        };
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
