package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;

/** The feature group's event-time window: tumbling (default), sliding or session, with allowed lateness. */
public final class WindowSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum Type { TUMBLING, SLIDING, SESSION }

    private final Type type;
    private final Duration size;
    private final Duration slide;
    private final Duration gap;
    private final Duration allowedLateness;

    public WindowSpec(Type type, Duration size, Duration slide, Duration gap, Duration allowedLateness) {
        this.type = type;
        this.size = size;
        this.slide = slide;
        this.gap = gap;
        this.allowedLateness = allowedLateness;
    }

    static WindowSpec from(RawConfig raw) {
        String p = "feature_group.window.";
        Type type;
        try {
            type = Type.valueOf(raw.string(p + "type", "tumbling").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(p + "type", "'" + raw.string(p + "type") + "' is not a window type",
                    "use tumbling, sliding or session");
        }
        Duration size = type == Type.SESSION ? null : positive(raw, p + "size");
        Duration slide = type == Type.SLIDING ? positive(raw, p + "slide") : null;
        Duration gap = type == Type.SESSION ? positive(raw, p + "gap") : null;
        if (slide != null && (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0)) {
            throw new ConfigException(p + "slide", "slide " + slide + " does not divide size " + size,
                    "choose a slide that divides the window size, e.g. size 5 min, slide 1 min");
        }
        return new WindowSpec(type, size, slide, gap, raw.duration(p + "allowed_lateness"));
    }

    private static Duration positive(RawConfig raw, String key) {
        Duration d = raw.duration(key);
        if (d.isZero()) {
            throw new ConfigException(key, "is zero", "set a positive duration such as \"5 min\"");
        }
        return d;
    }

    public Type type() {
        return type;
    }

    public Duration size() {
        return size;
    }

    public Duration slide() {
        return slide;
    }

    public Duration gap() {
        return gap;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }
}
