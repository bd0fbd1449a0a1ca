package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import io.waferflow.config.RawConfig;
import io.waferflow.config.WindowSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The window a version's features are computed over, as a registry file records it
 * ({@code versions[].definition.window}): the settings of {@code feature_group.window} that change values. Durations
 * are kept as text in one spelling ({@code 5 min}), so two definitions compare as text.
 */
public record WindowDefinition(String type, String size, String slide, String gap, String allowedLateness) {

    public WindowDefinition {
        if (type == null) {
            throw new ConfigException("definition.window.type", "is missing", "write tumbling, sliding or session");
        }
        type = type.toLowerCase(Locale.ROOT);
        size = normal("size", size);
        slide = normal("slide", slide);
        gap = normal("gap", gap);
        allowedLateness = normal("allowed_lateness", allowedLateness);
    }

    /** The window of a configuration. */
    public static WindowDefinition of(WindowSpec w) {
        return new WindowDefinition(
                w.type().name(), text(w.size()), text(w.slide()), text(w.gap()), text(w.allowedLateness()));
    }

    /** The settings given, by their key in {@code feature_group.window}, in a fixed order. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("type", type);
        s.put("size", size);
        s.put("slide", slide);
        s.put("gap", gap);
        s.put("allowed_lateness", allowedLateness);
        s.values().removeIf(v -> v == null);
        return s;
    }

    private static String normal(String key, String value) {
        return value == null || value.isBlank()
                ? null
                : text(RawConfig.parseDuration("definition.window." + key, value));
    }

    /** A duration in the job file's spelling, in its largest whole unit. */
    static String text(Duration d) {
        if (d == null) {
            return null;
        }
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "min", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + " " + names[i];
            }
        }
        return ms + " ms";
    }
}
