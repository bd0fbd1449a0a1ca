package io.waferflow.ingest.stdf;

/** A decoded record: one of the types the ingestion needs, or {@link Unknown} for the rest (kept raw). */
public sealed interface StdfData permits Far, Mir, Wir, Wrr, Pir, Prr, Ptr, Mpr, Ftr, Unknown {}
