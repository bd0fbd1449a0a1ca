package io.waferflow.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/** The value formats job files have always used, beyond what Jackson reads by itself. */
final class ValueFormats {

    private ValueFormats() {}

    /** A duration in Flink's syntax ("500 ms", "10 s", "5 min", "7 d"; a bare number is milliseconds), not negative. */
    static Duration duration(String text) {
        Duration d;
        try {
            d = TimeUtils.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw InvalidValue.value(text, "is not a duration", "write a duration such as \"10 s\" or \"5 min\"");
        }
        if (d.isNegative()) {
            throw InvalidValue.at("", "is negative", "set a duration of zero or more");
        }
        return d;
    }

    /**
     * An ISO-8601 instant, or another YAML timestamp ({@code 2000-01-01}, {@code 2001-12-14 21:59:43.10 -5}; no zone:
     * UTC), which SnakeYAML read as dates when it read the file. Parsed here with java.time: SnakeYAML's own
     * construction is lenient (month 13 becomes next January).
     */
    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            Matcher m = YAML_TIMESTAMP.matcher(text);
            try {
                if (m.matches()) {
                    LocalDateTime local = LocalDate.of(number(m, 1), number(m, 2), number(m, 3))
                            .atTime(
                                    number(m, 4),
                                    number(m, 5),
                                    number(m, 6),
                                    m.group(7) == null
                                            ? 0
                                            : Integer.parseInt((m.group(7) + "00000000").substring(0, 9)));
                    return local.toInstant(
                            m.group(8) == null || m.group(8).equals("Z")
                                    ? ZoneOffset.UTC
                                    : ZoneOffset.of(offset(m.group(8))));
                }
            } catch (DateTimeException invalid) {
                // An impossible date or offset: refused below.
            }
            throw InvalidValue.value(text, "is not an ISO-8601 instant", "write e.g. 2000-01-01T00:00:00Z");
        }
    }

    /**
     * YAML 1.1's timestamp: a date, optionally a time ('T', 't' or spaces), fraction and zone ("Z", "-5", "+05:30").
     */
    private static final Pattern YAML_TIMESTAMP = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})"
            + "(?:(?:[Tt]|[ \\t]+)(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{0,9}))?[ "
            + "\\t]*(Z|[-+]\\d{1,2}(?::?\\d{2})?)?)?");

    private static int number(Matcher m, int group) {
        return m.group(group) == null ? 0 : Integer.parseInt(m.group(group));
    }

    /** "-5" → "-05:00", "+0530" → "+05:30", as ZoneOffset.of wants them. */
    private static String offset(String yaml) {
        String digits = yaml.substring(1).replace(":", "");
        String hours = digits.length() % 2 == 1 ? "0" + digits.substring(0, 1) : digits.substring(0, 2);
        String minutes = digits.length() > 2 ? digits.substring(digits.length() - 2) : "00";
        return yaml.charAt(0) + hours + ":" + minutes;
    }

    /** true/false, and the YAML 1.1 yes/no that job files (and --set values) have always been allowed to use. */
    static Boolean bool(String text) {
        switch (text.toLowerCase()) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw InvalidValue.value(text, "is not true or false", "set true or false");
        }
    }
}
