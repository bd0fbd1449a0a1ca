package io.waferflow.ingest.stdf;

/** Parametric Test Record (15/10), up to UNITS; {@link Limits} for the OPT_FLAG block. */
public record Ptr(
        long testNumber,
        int head,
        int site,
        int testFlags,
        int parmFlags,
        float result,
        String testText,
        String alarmId,
        Limits limits,
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
