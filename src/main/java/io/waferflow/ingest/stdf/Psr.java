package io.waferflow.ingest.stdf;

import java.util.List;

/**
 * Pattern Sequence Record (1/90, V4-2007), up to PAT_FILE: the patterns a scan test (STR PSR_REF) ran, with the cycle
 * each began and ended on (U8, read as a signed long). The optional PAT_LBL, FILE_UID, ATPG_DSC and SRC_ID arrays after
 * it stay in the raw record. {@code continuation} is CONT_FLG: another PSR of the same set follows when not 0.
 */
public record Psr(
        int continuation,
        int index,
        String name,
        int optFlag,
        int totalCount,
        List<Long> patternBegin,
        List<Long> patternEnd,
        List<String> patternFiles)
        implements StdfData {}
