package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.util.TimeUtils;

/**
 * The feature group's event-time window ({@code feature_group.window}): tumbling (default), sliding or session, with
 * allowed lateness. Only the lengths of the chosen type are kept (the shipped file sets all three).
 */
public record WindowSpec(Type type, Duration size, Duration slide, Duration gap, Duration allowedLateness)
        implements Serializable {

    public enum Type {
        TUMBLING,
        SLIDING,
        SESSION
    }

    public WindowSpec {
        size = type == Type.SESSION ? null : Check.positive("size", size);
        slide = type == Type.SLIDING ? Check.positive("slide", slide) : null;
        gap = type == Type.SESSION ? Check.positive("gap", gap) : null;
        if (slide != null && (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0)) {
            throw InvalidValue.at(
                    "slide",
                    "slide " + slide + " does not divide size " + size,
                    "choose a slide that divides the window size, e.g. size 5 min, slide 1 min");
        }
    }

    /** How often a wafer's windows end: its size (tumbling), its slide (sliding), its gap (session, at least). */
    public Duration cadence() {
        return switch (type) {
            case SLIDING -> slide;
            case SESSION -> gap;
            default -> size;
        };
    }

    /** In words, e.g. "tumbling 5 min event-time window, allowed lateness 1 min". */
    public String describe() {
        String lateness = ", allowed lateness " + TimeUtils.formatWithHighestUnit(allowedLateness);
        return switch (type) {
            case TUMBLING -> "tumbling " + TimeUtils.formatWithHighestUnit(size) + " event-time window" + lateness;
            case SLIDING ->
                "sliding " + TimeUtils.formatWithHighestUnit(size) + " event-time window every "
                        + TimeUtils.formatWithHighestUnit(slide) + lateness;
            case SESSION -> "session window closed by a " + TimeUtils.formatWithHighestUnit(gap) + " gap" + lateness;
        };
    }
}
