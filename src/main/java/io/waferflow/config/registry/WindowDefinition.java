package io.waferflow.config.registry;

import io.waferflow.config.ConfigException;
import io.waferflow.config.RawConfig;
import io.waferflow.config.WindowSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The window a version's features are computed over, as a registry file records it
 * ({@code versions[].definition.window}): the settings of {@code feature_group.window} that change values. Durations
 * are kept as text in one spelling ({@code 5 min}), so two definitions compare as text.
 */
public record WindowDefinition(String type, String size, String slide, String gap, String allowedLateness) {

    public WindowDefinition {
        type = type == null ? null : type.toLowerCase(Locale.ROOT);
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

    void check(String where) {
        if (type == null || !List.of("tumbling", "sliding", "session").contains(type)) {
            throw new ConfigException(where + ".type", "is " + type, "write tumbling, sliding or session");
        }
        if (allowedLateness == null) {
            throw new ConfigException(where + ".allowed_lateness", "is missing", "write it, e.g. 1 min");
        }
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
