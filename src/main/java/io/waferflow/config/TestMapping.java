package io.waferflow.config;

import java.io.Serializable;

/**
 * How one STDF test becomes a schema parameter ({@code stdf.parameters.<parameter>}): matched by its test number
 * (TEST_NUM) or by its name (TEST_TXT of its first PTR/MPR/FTR, exact and case-sensitive), exactly one of the two.
 *
 * @param unit the unit the value is given in (the schema field's unit when left out); the test's UNITS are converted to
 *     it when only an SI prefix differs ({@code V <- mV}, {@code MHz <- Hz})
 * @param pin for an MPR: which result (0-based position in RTN_RSLT); null: the mean of its valid results
 */
public record TestMapping(Long testNumber, String testName, String unit, Integer pin) implements Serializable {

    public TestMapping {
        testName = testName == null || testName.isEmpty() ? null : testName;
        unit = unit == null ? "" : unit.trim();
        if ((testNumber == null) == (testName == null)) {
            throw InvalidValue.at(
                    "",
                    testNumber == null ? "names no test" : "has both test_number and test_name",
                    "give exactly one of test_number (TEST_NUM) or test_name (TEST_TXT)");
        }
        if (testNumber != null && (testNumber < 0 || testNumber > 0xFFFF_FFFFL)) {
            throw InvalidValue.at("test_number", "is " + testNumber + ", not a U4", "set 0..4294967295");
        }
        if (pin != null && pin < 0) {
            throw InvalidValue.at("pin", "is " + pin + ", below 0", "give the 0-based position of the MPR result");
        }
    }

    /** The same mapping with {@code unit} when none was configured (the schema field's unit). */
    TestMapping withDefaultUnit(String schemaUnit) {
        return unit.isEmpty() ? new TestMapping(testNumber, testName, schemaUnit == null ? "" : schemaUnit, pin) : this;
    }

    /** How the test is named in messages: {@code test_name 'VDD'} or {@code test_number 1000}. */
    public String describe() {
        return testName != null ? "test_name '" + testName + "'" : "test_number " + testNumber;
    }
}
