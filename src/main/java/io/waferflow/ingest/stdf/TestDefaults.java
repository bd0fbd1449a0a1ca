package io.waferflow.ingest.stdf;

import io.waferflow.config.TestMapping;

/**
 * What the first PTR/MPR (or FTR) of a test number sets for the whole file: its name (TEST_TXT), limits and units,
 * which later records of the test may omit (the specification's "default values"), and where its results go: a mapped
 * schema parameter, a field of its own (keep_all_tests), or nowhere.
 */
final class TestDefaults {

    final long number;
    final String name;
    final Float lowLimit;
    final Float highLimit;
    final String units;
    /** The field its results go to; null: not kept. */
    final String field;
    /** The mapping when {@link #field} is a schema parameter; null for a kept or dropped test. */
    final TestMapping mapping;
    /** The unit values are given in: the mapping's, else the test's own first UNITS. */
    final String targetUnit;

    private final Integer ownExponent;
    private boolean mismatchReported;

    TestDefaults(long number, String name, Limits limits, String units, String field, TestMapping mapping) {
        this.number = number;
        this.name = name;
        this.lowLimit = limits.lowLimit();
        this.highLimit = limits.highLimit();
        this.units = units;
        this.field = field;
        this.mapping = mapping;
        this.targetUnit = mapping != null ? mapping.unit() : units;
        this.ownExponent = UnitScale.exponent(units, targetUnit);
    }

    boolean hasLimits() {
        return lowLimit != null || highLimit != null;
    }

    /**
     * The limits that apply to a later record of this test: OPT_FLAG bit 4/5 (limit invalid) or an omitted block take
     * the first record's, bit 6/7 say the test has no such limit.
     */
    Limits limitsFor(Limits own) {
        Integer opt = own.optFlag();
        if (opt == null) {
            return new Limits(null, 0, 0, 0, lowLimit, highLimit);
        }
        Float lo = (opt & 0x40) != 0 ? null : (opt & 0x10) != 0 ? lowLimit : own.lowLimit();
        Float hi = (opt & 0x80) != 0 ? null : (opt & 0x20) != 0 ? highLimit : own.highLimit();
        return new Limits(opt, own.resultScale(), own.lowLimitScale(), own.highLimitScale(), lo, hi);
    }

    /** The units of a later record: its own when it states them, else the first record's. */
    String unitsFor(String own) {
        return own == null || own.isEmpty() ? units : own;
    }

    /** The power of ten from {@code recordUnits} to {@link #targetUnit}; null when they do not convert. */
    Integer exponentFor(String recordUnits) {
        String u = unitsFor(recordUnits);
        return u.equals(units) ? ownExponent : UnitScale.exponent(u, targetUnit);
    }

    /** True the first time only: one unit-mismatch issue per test. */
    boolean firstMismatch() {
        boolean first = !mismatchReported;
        mismatchReported = true;
        return first;
    }

    /** How the test is named in messages. */
    String describe() {
        return "test " + number + (name.isEmpty() ? "" : " '" + name + "'");
    }
}
