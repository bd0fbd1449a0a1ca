package io.waferflow.ingest.stdf;

import java.util.List;

/** Name Map Record (1/91, V4-2007): PMR pin indexes with their ATPG signal names. */
public record Nmr(int continuation, int totalCount, List<Integer> pmrIndexes, List<String> atpgNames)
        implements StdfData {}
