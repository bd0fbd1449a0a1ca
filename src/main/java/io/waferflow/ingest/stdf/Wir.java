package io.waferflow.ingest.stdf;

/** Wafer Information Record (2/10); SITE_GRP 255 when omitted. */
public record Wir(int head, int siteGroup, long startTime, String waferId) implements StdfData {}
