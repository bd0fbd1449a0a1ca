package io.waferflow.ingest.stdf;

import io.waferflow.model.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file-level data-quality rules of STDF ingestion: each with its severity and a one-line recommendation for the
 * file report. Parts that an issue stands for (a part without PRR, a duplicate part, a part without coordinates, a part
 * of a blocked file) are never published: they are counted as quarantined.
 */
public final class StdfRules {

    /** The stream ends inside a record, or a record cannot be read: the records before it are kept. */
    public static final String TRUNCATED = "stdf_truncated";
    /** A PIR whose part never got its PRR (the next PIR on its head/site, or the end of the file came first). */
    public static final String PART_WITHOUT_PRR = "stdf_part_without_prr";
    /** A PTR, MPR or FTR on a head/site with no open PIR: skipped. */
    public static final String RESULT_OUTSIDE_PART = "stdf_result_outside_part";
    /** A record type outside STDF V4 and V4-2007: skipped (one issue per type, with its count). */
    public static final String UNKNOWN_RECORD = "stdf_unknown_record";
    /** A test whose first PTR/MPR carries no limit. */
    public static final String TEST_WITHOUT_LIMITS = "stdf_test_without_limits";
    /** A WRR's wafer id that contradicts its WIR's. */
    public static final String INCONSISTENT_WAFER = "stdf_inconsistent_wafer";
    /** A PART_ID seen twice on one wafer: the second part is quarantined. */
    public static final String DUPLICATE_PART = "stdf_duplicate_part";
    /** No WIR: the wafer id is the MIR's SBLOT_ID, else the file name without extensions. */
    public static final String NO_WAFER_RECORD = "stdf_no_wafer_record";
    /** A mapped test whose UNITS cannot be converted to the configured unit: its value is null. */
    public static final String UNIT_MISMATCH = "stdf_unit_mismatch";
    /** A PRR without X or Y (-32768): the part is quarantined. */
    public static final String MISSING_COORDINATES = "stdf_missing_coordinates";
    /** A part of a file blocked by {@code stdf.block_on}; its severity is the blocking issue's. */
    public static final String FILE_BLOCKED = "stdf_file_blocked";

    private record Rule(Severity severity, String recommendation) {}

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        RULES.put(
                TRUNCATED,
                new Rule(
                        Severity.CRITICAL,
                        "the file is cut short or damaged: copy it again from the tester (the parts before the"
                                + " damage were read)"));
        RULES.put(
                PART_WITHOUT_PRR,
                new Rule(
                        Severity.HIGH,
                        "a part was started and never finished: check the test program for aborted parts or a"
                                + " file closed during testing"));
        RULES.put(
                RESULT_OUTSIDE_PART,
                new Rule(
                        Severity.MEDIUM,
                        "results were written outside a PIR…PRR pair: check the tester's site numbering"));
        RULES.put(
                UNKNOWN_RECORD,
                new Rule(
                        Severity.LOW,
                        "records of a type outside STDF V4 were skipped: check the writer's STDF version"));
        RULES.put(
                TEST_WITHOUT_LIMITS,
                new Rule(
                        Severity.LOW,
                        "tests without limits cannot be judged on the tester: add limits to the test program"));
        RULES.put(
                INCONSISTENT_WAFER,
                new Rule(
                        Severity.HIGH,
                        "the wafer results contradict the wafer information: check which wafer this file is for"));
        RULES.put(
                DUPLICATE_PART,
                new Rule(
                        Severity.HIGH,
                        "part ids repeat on a wafer: check the tester's part numbering (only the first part was"
                                + " published)"));
        RULES.put(
                NO_WAFER_RECORD,
                new Rule(
                        Severity.LOW,
                        "no WIR: the wafer id was taken from the MIR's SBLOT_ID or the file name; have the tester"
                                + " write WIR/WRR"));
        RULES.put(
                UNIT_MISMATCH,
                new Rule(
                        Severity.HIGH,
                        "a mapped test's units do not convert to the configured unit: fix stdf.parameters (unit or"
                                + " test) or the test program"));
        RULES.put(
                MISSING_COORDINATES,
                new Rule(
                        Severity.HIGH,
                        "parts without die coordinates cannot be placed on the wafer map: have the prober report"
                                + " X/Y"));
        RULES.put(
                FILE_BLOCKED,
                new Rule(
                        Severity.CRITICAL,
                        "the file was blocked by stdf.block_on: fix the blocking issue and ingest the file again"));
    }

    private StdfRules() {}

    /** Every rule, in the order above. */
    public static List<String> all() {
        return List.copyOf(RULES.keySet());
    }

    /** The rule's severity ({@link #FILE_BLOCKED} takes the blocking issue's; CRITICAL is its strongest). */
    public static Severity severity(String rule) {
        return rule(rule).severity();
    }

    /** What to do about it, in one line. */
    public static String recommendation(String rule) {
        return rule(rule).recommendation();
    }

    private static Rule rule(String name) {
        Rule r = RULES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no STDF rule " + name);
        }
        return r;
    }
}
