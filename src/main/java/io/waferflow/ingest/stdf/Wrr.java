package io.waferflow.ingest.stdf;

/**
 * Wafer Results Record (2/20), up to WAFER_ID; omitted counts are 4,294,967,295 (the specification's missing value).
 */
public record Wrr(
        int head,
        int siteGroup,
        long finishTime,
        long partCount,
        long retestCount,
        long abortCount,
        long goodCount,
        long functionalCount,
        String waferId)
        implements StdfData {

    public static final long MISSING_COUNT = 0xFFFF_FFFFL;
}
