package io.waferflow.ingest.stdf;

/** Master Information Record (1/10), up to TST_TEMP; times are seconds since 1970 (U4). */
public record Mir(
        long setupTime,
        long startTime,
        int stationNumber,
        char modeCode,
        char retestCode,
        char protectionCode,
        int burnInTime,
        char commandModeCode,
        String lotId,
        String partType,
        String nodeName,
        String testerType,
        String jobName,
        String jobRevision,
        String sublotId,
        String operatorName,
        String execType,
        String execVersion,
        String testCode,
        String testTemperature)
        implements StdfData {}
