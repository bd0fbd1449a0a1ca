package io.waferflow.ingest.stdf;

/**
 * Part Results Record (5/20), up to PART_TXT. Omitted: SOFT_BIN 65535, X/Y -32768, TEST_T 0 (the specification's
 * missing values).
 */
public record Prr(
        int head,
        int site,
        int partFlag,
        int testCount,
        int hardBin,
        int softBin,
        int x,
        int y,
        long testTimeMillis,
        String partId,
        String partText)
        implements StdfData {

    public static final int MISSING_BIN = 65535;
    public static final int MISSING_COORDINATE = -32768;

    /** PART_FLG bit 4 says whether bit 3 (failed) is valid: null when the part has no pass/fail indication. */
    public Boolean passed() {
        if ((partFlag & 0x10) != 0) {
            return null;
        }
        return (partFlag & 0x08) == 0;
    }
}
