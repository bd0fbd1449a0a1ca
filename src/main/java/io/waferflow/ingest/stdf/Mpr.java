package io.waferflow.ingest.stdf;

import java.util.List;

/** Multiple-Result Parametric Record (15/15), up to UNITS; {@link Limits} for the OPT_FLAG block. */
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
        Limits limits,
        float startInput,
        float inputIncrement,
        List<Integer> pinIndexes,
        String units)
        implements StdfData {}
