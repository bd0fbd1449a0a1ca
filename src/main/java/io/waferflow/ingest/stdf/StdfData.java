package io.waferflow.ingest.stdf;

/**
 * A decoded record: one of the types the ingestion needs, the V4-2007 additions (VUR, PSR, NMR, CNR, SSR, CDR, STR), or
 * {@link Unknown} for the rest (kept raw).
 */
public sealed interface StdfData
        permits Far, Mir, Wir, Wrr, Pir, Prr, Ptr, Mpr, Ftr, Vur, Psr, Nmr, Cnr, Ssr, Cdr, Str, Unknown {}
