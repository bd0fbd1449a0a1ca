package io.waferflow.ingest.stdf;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Converts a test's UNITS to a configured unit when they differ only by an SI prefix ({@code mV} to {@code V},
 * {@code Hz} to {@code MHz}): the power of ten between them. RES_SCAL plays no part: the specification stores RESULT
 * (and the limits) in UNITS, and RES_SCAL only tells a display how to scale them ({@code A} with RES_SCAL 3 is shown in
 * mA, stored in A), so applying it would scale the value twice.
 */
final class UnitScale {

    /** SI prefixes that are unambiguous before a unit (no d, c, h, da: dB, cd, h would be misread). */
    private static final Map<Character, Integer> PREFIXES = Map.ofEntries(
            Map.entry('a', -18),
            Map.entry('f', -15),
            Map.entry('p', -12),
            Map.entry('n', -9),
            Map.entry('u', -6),
            Map.entry('µ', -6),
            Map.entry('μ', -6),
            Map.entry('m', -3),
            Map.entry('k', 3),
            Map.entry('K', 3),
            Map.entry('M', 6),
            Map.entry('G', 9),
            Map.entry('T', 12));

    /** Spellings of degrees Celsius testers use. */
    private static final Map<String, String> ALIASES =
            Map.of("degC", "C", "DEGC", "C", "°C", "C", "deg C", "C", "Cel", "C", "degc", "C");

    private UnitScale() {}

    /**
     * The exponent e with value_in_{@code to} = value_in_{@code from} × 10^e, or null when the units are not the same
     * quantity. An empty {@code from} (the test states no unit) or {@code to} (none configured) is taken as agreeing.
     */
    static Integer exponent(String from, String to) {
        String f = canonical(from);
        String t = canonical(to);
        if (f.isEmpty() || t.isEmpty() || f.equals(t)) {
            return 0;
        }
        Integer pf = prefix(f);
        Integer pt = prefix(t);
        if (pf != null && f.substring(1).equals(t)) {
            return pf;
        }
        if (pt != null && t.substring(1).equals(f)) {
            return -pt;
        }
        if (pf != null && pt != null && f.substring(1).equals(t.substring(1))) {
            return pf - pt;
        }
        return null;
    }

    /**
     * {@code value} × 10^{@code exponent}, as the decimal the tester wrote: an R4 is read as its shortest decimal
     * ({@code 1.2f} is 1.2, not 1.2000000476837158) and shifted exactly, so mV to V never adds noise digits.
     */
    static double scaled(float value, int exponent) {
        if (!Float.isFinite(value)) {
            return Double.NaN;
        }
        if (exponent == 0) {
            return Double.parseDouble(Float.toString(value));
        }
        return new BigDecimal(Float.toString(value)).scaleByPowerOfTen(exponent).doubleValue();
    }

    private static String canonical(String unit) {
        String u = unit == null ? "" : unit.trim();
        return ALIASES.getOrDefault(u, u);
    }

    /** The prefix's exponent when the unit starts with one and has more after it (a lone "m" is metres). */
    private static Integer prefix(String unit) {
        return unit.length() > 1 ? PREFIXES.get(unit.charAt(0)) : null;
    }
}
