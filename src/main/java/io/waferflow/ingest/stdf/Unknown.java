package io.waferflow.ingest.stdf;

/** A record type this reader does not decode, kept raw so the caller can count or skip it. */
public record Unknown(StdfRecord raw) implements StdfData {}
