package io.waferflow.ingest.stdf;

import java.util.BitSet;

/**
 * Scan Test Record (15/30, V4-2007), up to BIT_BASE: which test ran where (test number, head, site, PSR_REF), its flags
 * and texts, and the fail counts. The fail data after BIT_BASE (conditions, cycle offsets, pins, chains, bit positions,
 * user data: often most of a record that may run to 65,535 bytes) stays in the raw record. U8 fields are read as signed
 * longs. {@code continuation} is CONT_FLG: another STR of the same execution follows when not 0.
 */
public record Str(
        int continuation,
        long testNumber,
        int head,
        int site,
        int psrRef,
        int testFlags,
        String logType,
        String testText,
        String alarmId,
        String programText,
        String resultText,
        int zValue,
        int fmuFlag,
        BitSet maskMap,
        BitSet failMap,
        long cycleCount,
        long totalFailCount,
        long totalLoggedCount,
        long cycleBase,
        long bitBase)
        implements StdfData {

    /** TEST_FLG bit 7, valid only when bit 6 (no pass/fail indication) is clear, as for the PTR and FTR. */
    public Boolean passed() {
        return (testFlags & 0x40) != 0 ? null : (testFlags & 0x80) == 0;
    }
}
