package io.waferflow.ingest.stdf;

/**
 * Parametric Test Record (15/10), up to UNITS. {@code optFlag} is null when OPT_FLAG and everything after it were
 * omitted; a limit is null when omitted or when OPT_FLAG marks it invalid (bits 4/6 low, 5/7 high), so a later PTR that
 * relies on the first PTR of its test reads null here; carrying limits forward is the assembler's job.
 */
public record Ptr(
        long testNumber,
        int head,
        int site,
        int testFlags,
        int parmFlags,
        float result,
        String testText,
        String alarmId,
        Integer optFlag,
        int resultScale,
        int lowLimitScale,
        int highLimitScale,
        Float lowLimit,
        Float highLimit,
        String units)
        implements StdfData {

    /** TEST_FLG bits 1 (result invalid) and 4 (test not executed) clear. */
    public boolean resultValid() {
        return (testFlags & 0x12) == 0;
    }

    /** TEST_FLG bit 7, valid only when bit 6 (no pass/fail indication) is clear. */
    public Boolean passed() {
        return (testFlags & 0x40) != 0 ? null : (testFlags & 0x80) == 0;
    }
}
