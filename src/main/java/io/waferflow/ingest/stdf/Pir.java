package io.waferflow.ingest.stdf;

/** Part Information Record (5/10): a part starts on this head and site. */
public record Pir(int head, int site) implements StdfData {}
