package io.waferflow.ingest.stdf;

/** Cell Name Record (1/92, V4-2007): the name (Sn) of the scan cell at a bit position of a chain. */
public record Cnr(int chainNumber, long bitPosition, String cellName) implements StdfData {}
