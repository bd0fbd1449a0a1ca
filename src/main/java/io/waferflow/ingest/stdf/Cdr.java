package io.waferflow.ingest.stdf;

import java.util.List;

/**
 * Chain Description Record (1/94, V4-2007): one scan chain, its scan-in/out pins and clocks (PMR indexes), whether it
 * inverts, and the names (Sn) of the cells listed in this record.
 */
public record Cdr(
        int continuation,
        int index,
        String chainName,
        long chainLength,
        int scanInPin,
        int scanOutPin,
        List<Integer> masterClocks,
        List<Integer> slaveClocks,
        int inversion,
        List<String> cells)
        implements StdfData {}
