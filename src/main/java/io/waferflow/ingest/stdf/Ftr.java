package io.waferflow.ingest.stdf;

import java.util.BitSet;
import java.util.List;

/** Functional Test Record (15/20), up to TEST_TXT. OPT_FLAG 255 (all optional data invalid) when omitted. */
public record Ftr(
        long testNumber,
        int head,
        int site,
        int testFlags,
        int optFlag,
        long cycleCount,
        long relativeVectorAddress,
        long repeatCount,
        long failCount,
        int xFailAddress,
        int yFailAddress,
        int vectorOffset,
        List<Integer> returnIndexes,
        List<Integer> returnStates,
        List<Integer> programIndexes,
        List<Integer> programStates,
        BitSet failingPins,
        String vectorName,
        String timeSet,
        String opCode,
        String testText)
        implements StdfData {

    /** TEST_FLG bit 7, valid only when bit 6 (no pass/fail indication) is clear. */
    public Boolean passed() {
        return (testFlags & 0x40) != 0 ? null : (testFlags & 0x80) == 0;
    }
}
