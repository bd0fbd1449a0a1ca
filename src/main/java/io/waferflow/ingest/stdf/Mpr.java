package io.waferflow.ingest.stdf;

import java.util.List;

/** Multiple-Result Parametric Record (15/15), up to UNITS; limits as in {@link Ptr}. */
public record Mpr(
        long testNumber,
        int head,
        int site,
        int testFlags,
        int parmFlags,
        List<Integer> returnStates,
        List<Float> results,
        String testText,
        String alarmId,
        Integer optFlag,
        int resultScale,
        int lowLimitScale,
        int highLimitScale,
        Float lowLimit,
        Float highLimit,
        float startInput,
        float inputIncrement,
        List<Integer> pinIndexes,
        String units)
        implements StdfData {}
